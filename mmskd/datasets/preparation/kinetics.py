"""Kinetics-400 train/val annotation files from the official CSVs.

The CSVs have the header ``label,youtube_id,time_start,time_end,split``
(older releases add ``is_cc``; extra columns are ignored). Downloaders name a
clip ``<youtube_id>_<start:06d>_<end:06d>.<ext>`` and store it either in
per-class folders or flat, so videos are found through an index of file
names (without extension) over the whole video folder. Classes are the train
CSV's labels sorted alphabetically.
"""
import csv
import os
import os.path as osp
from typing import Dict, List, Sequence, Tuple
from .annotations import PreparationError, write_lines_atomic, write_split

REQUIRED = ('label', 'youtube_id', 'time_start', 'time_end')
VIDEO_EXTS = ('mp4', 'webm', 'mkv', 'avi')


def read_kinetics_csv(path: str) -> List[Tuple[str, str]]:
    """``(label, clip stem)`` per row, duplicates kept once, in file order."""
    if not osp.isfile(path):
        raise PreparationError(f'CSV file not found: {path}')
    with open(path, newline='', encoding='utf-8') as f:
        reader = csv.DictReader(f)
        absent = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if absent:
            raise PreparationError(
                f'{path}: header {reader.fieldnames} lacks {absent}; expected '
                'label,youtube_id,time_start,time_end,split')
        rows = [(row['label'].strip(), _stem(path, reader.line_num, row))
                for row in reader]
    return list(dict.fromkeys(rows))


def _stem(path: str, lineno: int, row: dict) -> str:
    times = []
    for key in ('time_start', 'time_end'):
        try:
            value = float(row[key])
        except (TypeError, ValueError):
            value = None
        if value is None or not value.is_integer() or value < 0:
            raise PreparationError(
                f'{path}:{lineno}: {key} must be a whole number of seconds, '
                f'got {row[key]!r}')
        times.append(int(value))
    if not (row['youtube_id'] or '').strip() or not row['label'].strip():
        raise PreparationError(f'{path}:{lineno}: empty label or youtube_id')
    return f'{row["youtube_id"].strip()}_{times[0]:06d}_{times[1]:06d}'


def index_videos(video_root: str,
                 exts: Sequence[str] = VIDEO_EXTS) -> Dict[str, str]:
    """``{file stem: path relative to video_root}`` for every video below.

    The first path in sorted order wins when a stem occurs twice.
    """
    if not osp.isdir(video_root):
        raise PreparationError(f'video folder not found: {video_root}')
    suffixes = tuple('.' + e.lstrip('.').lower() for e in exts)
    index: Dict[str, str] = {}
    for folder, dirs, names in os.walk(video_root):
        dirs.sort()
        for name in sorted(names):
            if name.lower().endswith(suffixes) and '.tmp.' not in name:
                rel = osp.relpath(osp.join(folder, name), video_root)
                index.setdefault(osp.splitext(name)[0], rel)
    return index


def prepare_kinetics(csv_files: Dict[str, str], out_dir: str,
                     video_roots: Dict[str, str] = None,
                     prefix: str = 'kinetics400',
                     exts: Sequence[str] = VIDEO_EXTS) -> dict:
    """Write ``<prefix>_{train,val}_list_videos.txt`` and the class list.

    Args:
        csv_files: ``{'train': train.csv, 'val': validate.csv}``; ``train``
            is required (it defines the classes).
        out_dir: Where the files go (e.g. ``data/kinetics400``).
        video_roots: ``{phase: folder}`` to look videos up in (e.g.
            ``videos_train``). Listed clips not found are left out and named
            in ``<file>.missing.txt``. A phase without a folder is written
            unchecked with flat ``<stem>.mp4`` names.
        prefix: File name prefix.
        exts: Video extensions the lookup accepts.

    Returns:
        dict: ``num_classes``, ``classes_file`` and per phase the report.
    """
    if 'train' not in csv_files:
        raise PreparationError('the train CSV is required: it defines classes')
    rows = {phase: read_kinetics_csv(p) for phase, p in csv_files.items()}
    classes = sorted({label for label, _ in rows['train']})
    labels = {name: i for i, name in enumerate(classes)}
    report = dict(num_classes=len(classes), phases={},
                  classes_file=osp.join(out_dir, f'{prefix}_classes.txt'))
    for phase, phase_rows in rows.items():
        unknown = sorted({lab for lab, _ in phase_rows} - set(labels))
        if unknown:
            raise PreparationError(
                f'{csv_files[phase]}: labels not in the train CSV: {unknown}')
        root = (video_roots or {}).get(phase)
        index = index_videos(root, exts) if root else {}
        entries = [(index.get(stem, stem + '.mp4'), labels[lab])
                   for lab, stem in phase_rows]
        report['phases'][phase] = write_split(
            osp.join(out_dir, f'{prefix}_{phase}_list_videos.txt'), entries,
            root)
    write_lines_atomic(report['classes_file'], classes)
    return report
