"""Clip decoding with decord, PyAV and torchcodec, side by side.

Each backend reads the same clips (the same frame indices of the same
videos) single-threaded, as one loader worker does, returning RGB uint8
``[T, H, W, 3]``; the order of the backends rotates from clip to clip, so
machine noise hits all of them alike. Frames are compared with decord's
(the configs' reader).
"""
import time
from typing import Callable, Dict, List, Sequence

import numpy as np

from mmskd.utils.progress import JobProgress

Reader = Callable[[str, Sequence[int]], np.ndarray]


def read_decord(path: str, indices: Sequence[int]) -> np.ndarray:
    import decord
    reader = decord.VideoReader(path, num_threads=1)
    return reader.get_batch(list(indices)).asnumpy()


def read_pyav(path: str, indices: Sequence[int]) -> np.ndarray:
    """Seek to the keyframe before the first index, decode to the last
    (frame k = presentation time k / fps). AVI files, whose timestamps need
    not give frame numbers (packed B-frames: pts 1, 2, 4, 3, ...), are
    decoded from the start instead, counting frames as decord does."""
    if path.lower().endswith('.avi'):
        return _pyav_count(path, indices)
    try:
        return _pyav_seek(path, indices)
    except KeyError:
        return _pyav_count(path, indices)


def _open(container):
    stream = container.streams.video[0]
    stream.codec_context.thread_count = 1
    return stream


def _pyav_seek(path: str, indices: Sequence[int]) -> np.ndarray:
    import av
    wanted, frames = set(indices), {}
    with av.open(path) as container:
        stream = _open(container)
        rate = stream.average_rate or stream.guessed_rate
        start = stream.start_time or 0
        # pts of the first wanted frame; seek lands on the keyframe before
        target = start + int(min(wanted) / (rate * stream.time_base))
        container.seek(target, stream=stream, backward=True)
        for frame in container.decode(stream):
            k = int(round((frame.pts - start) * stream.time_base * rate))
            if k in wanted:
                frames[k] = frame.to_ndarray(format='rgb24')
            if k >= max(wanted):
                break
    return np.stack([frames[i] for i in indices])


def _pyav_count(path: str, indices: Sequence[int]) -> np.ndarray:
    import av
    wanted, frames = set(indices), {}
    with av.open(path) as container:
        for k, frame in enumerate(container.decode(_open(container))):
            if k in wanted:
                frames[k] = frame.to_ndarray(format='rgb24')
            if k >= max(wanted):
                break
    return np.stack([frames[i] for i in indices])


def read_torchcodec(path: str, indices: Sequence[int]) -> np.ndarray:
    from torchcodec.decoders import VideoDecoder
    decoder = VideoDecoder(path, device='cpu', num_ffmpeg_threads=1,
                           seek_mode='exact')
    batch = decoder.get_frames_at(list(indices)).data  # [T, 3, H, W]
    return batch.permute(0, 2, 3, 1).numpy()


BACKENDS: Dict[str, Reader] = dict(decord=read_decord, pyav=read_pyav,
                                   torchcodec=read_torchcodec)


def available(names: Sequence[str]) -> List[str]:
    """The backends among ``names`` whose package imports here."""
    found = []
    for name in names:
        module = dict(decord='decord', pyav='av',
                      torchcodec='torchcodec.decoders')[name]
        try:
            __import__(module)
        except Exception:  # not installed, or its libraries do not load
            continue
        found.append(name)
    return found


def clip_indices(num_frames: int, clip_len: int, rng) -> List[int]:
    """Consecutive frames from a random start (loop-padded if short)."""
    start = int(rng.integers(0, max(num_frames - clip_len, 0) + 1))
    return [(start + i) % num_frames for i in range(clip_len)]


def compare(videos: Sequence[str], backends: Sequence[str], clips: int,
            clip_len: int = 16, seed: int = 0,
            desc: str = 'clips') -> Dict[str, dict]:
    """Seconds per clip and agreement with decord, per backend (progress
    with rate and ETA on stderr, ``desc`` naming what is counted)."""
    import decord
    rng = np.random.default_rng(seed)
    for name in backends:  # untimed: imports and first-call set-up
        BACKENDS[name](videos[0], list(range(clip_len)))
    times = {b: [] for b in backends}
    equal = {b: [] for b in backends}
    worst = {b: 0 for b in backends}
    with JobProgress(clips, desc) as progress:
        for k in range(clips):
            path = videos[k % len(videos)]
            total = len(decord.VideoReader(path, num_threads=1))
            indices = clip_indices(total, clip_len, rng)
            order = list(backends[k % len(backends):]) + \
                list(backends[:k % len(backends)])
            out = {}
            for name in order:
                start = time.perf_counter()
                out[name] = BACKENDS[name](path, indices)
                times[name].append(time.perf_counter() - start)
            ref = out.get('decord', read_decord(path, indices))
            ref = ref.astype(np.int16)
            for name in backends:
                diff = np.abs(out[name].astype(np.int16) - ref)
                equal[name].append(float((diff == 0).mean()))
                worst[name] = max(worst[name], int(diff.max()))
            progress.advance()
    return {name: dict(clips_per_s=round(len(t) / sum(t), 2),
                       ms_per_clip=round(1000 * float(np.median(t)), 2),
                       identical_fraction=round(float(np.mean(equal[name])),
                                                4),
                       max_abs_diff=worst[name])
            for name, t in times.items()}
