"""Shared pieces of the preparation tools: the error type, atomic writers,
the reader of the official split files and the split-file writer."""
import os
import os.path as osp
from typing import Iterable, Iterator, List, Sequence, Tuple

from mmskd.utils.io import write_text_atomic


class PreparationError(ValueError):
    """Bad input to a preparation tool; the message names file, line, value."""


def write_lines_atomic(path: str, lines: Iterable[str]) -> int:
    """Atomically write one entry per line; returns the number of lines."""
    lines = list(lines)
    write_text_atomic(path, ''.join(line + '\n' for line in lines))
    return len(lines)


def check_no_whitespace(paths: Sequence[str], where: str) -> None:
    """VideoDataset splits lines on spaces: refuse paths that contain any."""
    spaced = [p for p in paths if any(ch.isspace() for ch in p)]
    if spaced:
        raise PreparationError(
            f'{where}: {len(spaced)} video paths contain whitespace, which '
            f'VideoDataset cannot split, e.g. {spaced[0]!r}. Rename them '
            '(e.g. spaces to underscores in class folder names) and rerun.')


def replace_ext(entries: Sequence[Tuple[str, int]],
                ext: str = None) -> List[Tuple[str, int]]:
    """Swap each path's extension for ``ext`` (e.g. ``mp4`` after
    ``resize_videos.py``, which always writes mp4); None keeps them."""
    if not ext:
        return list(entries)
    return [(osp.splitext(path)[0] + '.' + ext.lstrip('.'), label)
            for path, label in entries]


def write_split(out_file: str, entries: Sequence[Tuple[str, int]],
                video_root: str = None) -> dict:
    """Write one split's annotation file, leaving out videos not on disk.

    Missing videos are never dropped silently: their names go to
    ``<out_file>.missing.txt`` and their count into the returned report.
    With ``video_root=None`` nothing is checked (annotations only).

    Returns:
        dict: ``file``, ``written``, ``missing`` and ``missing_file``.
    """
    missing = [] if video_root is None else [
        path for path, _ in entries
        if not osp.isfile(osp.join(video_root, path))
    ]
    absent = set(missing)
    kept = [f'{p} {label}' for p, label in entries if p not in absent]
    check_no_whitespace([p for p, _ in entries if p not in absent], out_file)
    written = write_lines_atomic(out_file, kept)
    missing_file = out_file + '.missing.txt'
    if missing:
        write_lines_atomic(missing_file, missing)
    elif osp.exists(missing_file):
        os.remove(missing_file)  # stale list from an earlier run
    return dict(file=out_file, written=written, missing=len(missing),
                missing_file=missing_file if missing else None)


def describe_split(report: dict) -> str:
    """One line (two with missing videos) summing up a ``write_split``."""
    text = f'wrote {report["file"]}: {report["written"]} videos'
    if report['missing']:
        text += (f'\n  {report["missing"]} listed videos are not on disk and '
                 f'were left out; names in {report["missing_file"]}')
    return text


def read_fields(path: str) -> Iterator[Tuple[int, List[str]]]:
    """``(lineno, whitespace-split fields)`` of a text file's non-blank lines.

    ``splitlines`` makes this CRLF-safe (the UCF101 lists are CRLF).
    """
    if not osp.isfile(path):
        raise PreparationError(f'file not found: {path}')
    with open(path, encoding='utf-8') as f:
        for lineno, text in enumerate(f.read().splitlines(), start=1):
            if text.strip():
                yield lineno, text.split()
