"""Decode-check every video of an annotation file and write a cleaned copy.

Each listed video is decoded frame by frame with decord (what ``DecordInit``
trains with) or, where decord is not installed, PyAV. Statuses: ``ok``;
``missing`` (no such file), ``empty`` (0 bytes or 0 frames) and
``unreadable`` (the decoder fails before any frame) are removed from the
cleaned file; ``damaged`` (frames decode, but the decoder fails part-way or
fewer frames decode than the container declares, as in a truncated
download) is removed unless ``keep_damaged=True``; ``too_short`` (complete,
but fewer than ``clip_len * frame_interval`` frames) is only a warning,
since ``SampleFrames`` loop-pads short videos, and is removed with
``drop_short=True``.
"""
import os.path as osp
from typing import Callable, ContextManager, Optional, Tuple

import av

from mmskd.utils.io import write_json_atomic
from mmskd.utils.pool import map_in_workers
from mmskd.utils.progress import silent_progress
from .annotations import PreparationError, write_lines_atomic
from .validate import read_annotation

try:
    import decord
except ImportError:  # decord has no wheels off Linux x86_64
    decord = None

STATUSES = ('ok', 'too_short', 'damaged', 'empty', 'unreadable', 'missing')
_CHUNK = 32  # frames per decord batch: bounded memory for long videos
# Declared minus decoded frames tolerated before a video counts as damaged:
# containers round their frame counts and drop a frame or two at the ends.
MISSING_FRAMES_OK, MISSING_FRACTION_OK = 2, 0.02


def decode_frames(path: str, backend: str) -> Tuple[int, Optional[str]]:
    """Decode every frame of ``path``; ``(frames decoded, error or None)``.

    An error part-way keeps the count of the frames decoded before it.
    """
    frames = 0
    try:
        if backend == 'decord':
            reader = decord.VideoReader(path, num_threads=1)
            total = len(reader)
            for start in range(0, total, _CHUNK):
                stop = min(total, start + _CHUNK)
                reader.get_batch(list(range(start, stop)))
                frames = stop
        else:
            with av.open(path) as container:
                for _ in container.decode(video=0):
                    frames += 1
    except Exception as err:  # any decoder error
        return frames, f'{backend}: {type(err).__name__}: {str(err)[:200]}'
    return frames, None


def count_frames(path: str, backend: str) -> int:
    """Decode every frame of ``path`` with ``backend``; the frame count."""
    frames, error = decode_frames(path, backend)
    if error:
        raise RuntimeError(error)
    return frames


def declared_frames(path: str) -> int:
    """The frame count the container's header declares (0 if it has none)."""
    try:
        with av.open(path) as container:
            return int(container.streams.video[0].frames or 0)
    except Exception:  # the decode step reports unreadable files
        return 0


def check_video(path: str, min_frames: int,
                backend: str = 'auto') -> Tuple[str, int, Optional[str]]:
    """``(status, frames, error)`` of one video; see the module docstring."""
    if not osp.isfile(path):
        return 'missing', 0, f'no such file: {path}'
    if osp.getsize(path) == 0:
        return 'empty', 0, 'file has 0 bytes'
    if backend == 'auto':
        backend = 'decord' if decord is not None else 'pyav'
    frames, error = decode_frames(path, backend)
    if error and frames == 0:
        return 'unreadable', 0, _diagnose(path, backend, error)
    if frames == 0:
        return 'empty', 0, 'no decodable frames'
    if error:
        return 'damaged', frames, f'decoding fails after {frames} frames: ' \
            f'{error}'
    declared = declared_frames(path)
    if declared - frames > max(MISSING_FRAMES_OK,
                               MISSING_FRACTION_OK * declared):
        return 'damaged', frames, f'{frames} of the {declared} frames the ' \
            'container declares decode (truncated?)'
    if frames < min_frames:
        return 'too_short', frames, f'{frames} < {min_frames} frames'
    return 'ok', frames, None


def _diagnose(path: str, backend: str, message: str) -> str:
    """The error, plus whether PyAV can read what decord could not."""
    if backend != 'decord':
        return message
    try:
        frames = count_frames(path, 'pyav')
    except Exception:
        return message + '; PyAV cannot decode it either'
    return (message + f'; PyAV decodes {frames} frames: re-encode it with '
            'tools/data/resize_videos.py or train with PyAVInit/PyAVDecode')


def _job(args: tuple) -> Tuple[str, int, Optional[str]]:
    return check_video(*args)


def check_annotation(ann_file: str, data_root: str, clip_len: int = 16,
                     frame_interval: int = 1, workers: int = 1,
                     drop_short: bool = False, clean_file: str = None,
                     report_file: str = None, backend: str = 'auto',
                     progress: Callable[[int], ContextManager] = None,
                     keep_damaged: bool = False) -> dict:
    """Check all videos of ``ann_file``; write the cleaned list and report.

    ``progress(total)``, if given, makes a context manager whose
    ``advance()`` is called after each video (e.g.
    :class:`mmskd.utils.progress.JobProgress`).

    Defaults: ``<ann>.clean.txt`` and ``<ann>.check.json`` (stem of
    ``ann_file`` without ``.txt``). Both are written atomically. Kept lines
    are copied verbatim, in their original order.

    Returns:
        dict: The report that is written as JSON.
    """
    if backend not in ('auto', 'decord', 'pyav') or (backend == 'decord'
                                                     and decord is None):
        raise PreparationError(
            f'backend {backend!r} is not available: use auto, pyav or decord '
            '(decord needs the decord package)')
    stem = ann_file[:-4] if ann_file.endswith('.txt') else ann_file
    clean_file = clean_file or stem + '.clean.txt'
    report_file = report_file or stem + '.check.json'
    entries = read_annotation(ann_file)
    min_frames = clip_len * frame_interval
    jobs = [(osp.join(data_root, e.path), min_frames, backend)
            for e in entries]
    results = _run(jobs, workers, progress)
    removed = {'missing', 'empty', 'unreadable'} | (
        {'too_short'} if drop_short else set()) | (
        set() if keep_damaged else {'damaged'})
    kept = [e.text for e, r in zip(entries, results) if r[0] not in removed]
    report = dict(
        ann_file=ann_file, data_root=data_root, min_frames=min_frames,
        drop_short=drop_short, keep_damaged=keep_damaged, total=len(entries),
        counts={s: sum(r[0] == s for r in results) for s in STATUSES},
        kept=len(kept), removed=len(entries) - len(kept),
        clean_file=clean_file, report_file=report_file,
        problems=[dict(line=e.lineno, path=e.path, status=r[0], frames=r[1],
                       error=r[2], removed=r[0] in removed)
                  for e, r in zip(entries, results) if r[0] != 'ok'])
    write_lines_atomic(clean_file, kept)
    write_json_atomic(report_file, report)
    return report


def _run(jobs: list, workers: int, progress: Optional[Callable]) -> list:
    """Results in job order, from ``workers`` processes."""
    results = []
    found = map_in_workers(_job, jobs, workers, chunksize=4)
    try:
        with (progress or silent_progress)(len(jobs)) as bar:
            for result in found:
                results.append(result)
                bar.advance()
    finally:
        found.close()  # terminates the workers
    return results
