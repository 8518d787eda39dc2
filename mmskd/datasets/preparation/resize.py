"""Re-encode a video tree to a fixed short side for fast training I/O.

Each video becomes an H.264 mp4 (yuv420p, even dimensions, aspect kept)
whose keyframe interval is short, so that decord seeks to a random clip
without decoding long GOPs. Audio is dropped; frames keep their count and
order (what clip sampling uses), re-timed at the source's average rate.
Resumable and atomic: each output is encoded to ``<name>.tmp.mp4`` and
renamed when complete; done outputs are skipped, stale tmp files deleted.
"""
import os
import os.path as osp
from fractions import Fraction
from typing import (Callable, ContextManager, Iterator, List, Optional,
                    Sequence, Tuple)

import av

from ...utils.io import atomic_output
from ...utils.pool import map_in_workers
from ...utils.progress import silent_progress
from .annotations import PreparationError

VIDEO_EXTS = ('mp4', 'avi', 'webm', 'mkv', 'mov', 'm4v', 'mpg', 'mpeg')
TMP_SUFFIX = '.tmp.mp4'


def scaled_size(width: int, height: int, short_side: int) -> Tuple[int, int]:
    """``(width, height)`` with the short side ``short_side``, both even.

    H.264 in yuv420p needs even dimensions, hence rounding to multiples of 2.
    """
    if width <= 0 or height <= 0 or short_side < 2:
        raise PreparationError(f'cannot scale {width}x{height} to short '
                               f'side {short_side}')
    scale = short_side / min(width, height)

    def even(value: float) -> int:
        return max(2, 2 * int(value / 2 + 0.5))  # round half up
    return even(width * scale), even(height * scale)


def plan(src_dir: str, dst_dir: str,
         exts: Sequence[str] = VIDEO_EXTS) -> List[Tuple[str, str]]:
    """``(source, destination .mp4)`` pairs mirroring ``src_dir``'s tree."""
    if not osp.isdir(src_dir):
        raise PreparationError(f'source folder not found: {src_dir}')
    suffixes = tuple('.' + e.lstrip('.').lower() for e in exts)
    jobs = []
    for folder, dirs, names in os.walk(src_dir):
        dirs.sort()
        for name in sorted(names):
            if name.lower().endswith(suffixes) and not name.endswith(
                    TMP_SUFFIX):
                rel = osp.relpath(osp.join(folder, name), src_dir)
                dst = osp.join(dst_dir, osp.splitext(rel)[0] + '.mp4')
                jobs.append((osp.join(folder, name), dst))
    return jobs


def remove_stale_tmp(dst_dir: str) -> int:
    """Delete ``*.tmp.mp4`` left by a killed run; returns how many."""
    removed = 0
    for folder, _, names in os.walk(dst_dir):
        for name in names:
            if name.endswith(TMP_SUFFIX):
                os.remove(osp.join(folder, name))
                removed += 1
    return removed


def resize_video(src: str, dst: str, short_side: int = 128,
                 keyint: int = 16, threads: int = 1) -> int:
    """Encode ``src`` into ``dst`` atomically; returns the frame count."""
    with atomic_output(dst, dst[:-len('.mp4')] + TMP_SUFFIX) as tmp:
        frames = _encode(src, tmp, short_side, keyint, threads)
        if frames == 0:
            raise PreparationError(f'{src}: no decodable frames')
    return frames


def _encode(src: str, tmp: str, short_side: int, keyint: int,
            threads: int) -> int:
    with av.open(src) as source, av.open(tmp, 'w', format='mp4') as out:
        vin = source.streams.video[0]
        rate = Fraction(vin.average_rate or vin.guessed_rate or 25)
        width, height = scaled_size(vin.width, vin.height, short_side)
        vout = out.add_stream('libx264', rate=rate, options=dict(
            g=str(keyint), keyint_min=str(keyint), crf='23',
            preset='veryfast', threads=str(threads)))
        vout.width, vout.height, vout.pix_fmt = width, height, 'yuv420p'
        count = 0
        for frame in source.decode(vin):
            image = frame.reformat(width, height, 'yuv420p')
            image.pts, image.time_base = count, 1 / rate
            out.mux(vout.encode(image))
            count += 1
        out.mux(vout.encode(None))
    return count


def _job(args: tuple) -> Tuple[str, Optional[str]]:
    """Worker entry: ``(dst, None)`` on success, ``(dst, error)`` else."""
    src, dst, short_side, keyint, threads = args
    try:
        resize_video(src, dst, short_side, keyint, threads)
        return dst, None
    except Exception as err:  # one bad video must not stop the tree
        return dst, f'{src}: {type(err).__name__}: {err}'


def resize_tree(src_dir: str, dst_dir: str, short_side: int = 128,
                keyint: int = 16, workers: int = 1,
                exts: Sequence[str] = VIDEO_EXTS,
                progress: Callable[[int], ContextManager] = silent_progress
                ) -> dict:
    """Resize every video under ``src_dir`` into ``dst_dir`` (resumable).

    Args:
        progress: ``progress(total)`` gives a context manager advanced after
            each video (e.g. :class:`mmskd.utils.progress.JobProgress`).

    Returns:
        dict: ``total``, ``skipped`` (already done), ``encoded``,
        ``stale_tmp_removed`` and ``failed`` (list of error strings).
    """
    if short_side < 2 or keyint < 1:
        raise PreparationError(f'need short_side >= 2 and keyint >= 1, got '
                               f'{short_side} and {keyint}')
    jobs = plan(src_dir, dst_dir, exts)
    stale = remove_stale_tmp(dst_dir) if osp.isdir(dst_dir) else 0
    todo = [(s, d, short_side, keyint, 1 if workers > 1 else 0)
            for s, d in jobs if not osp.exists(d)]
    report = dict(total=len(jobs), skipped=len(jobs) - len(todo), encoded=0,
                  stale_tmp_removed=stale, failed=[])
    with progress(len(todo)) as bar:
        for _, error in _run(todo, workers):
            if error:
                report['failed'].append(error)
            else:
                report['encoded'] += 1
            bar.advance()
    return report


def _run(todo: list, workers: int) -> Iterator[Tuple[str, Optional[str]]]:
    # Not plain fork: this process may hold FFmpeg's threads (see
    # mmskd.utils.pool).
    return map_in_workers(_job, todo, workers, ordered=False)
