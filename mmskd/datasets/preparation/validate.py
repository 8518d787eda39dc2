"""Reading and checking VideoDataset annotation files (``path label ...``):
the parser shared by the tools and the up-front checks that
``RobustVideoDataset`` runs before any training starts."""
import os.path as osp
from typing import List, NamedTuple, Optional, Sequence, Tuple
from .annotations import PreparationError

SHOW = 5  # names quoted in an error; the count is always given in full


class AnnotationLine(NamedTuple):
    """One annotation line (``lineno`` 1-based, ``text`` stripped)."""
    lineno: int
    path: str
    labels: Tuple[int, ...]
    text: str


def load_video_list(ann_file: str, video_dir: str = '', delimiter: str = ' ',
                    num_classes: Optional[int] = None,
                    multi_class: bool = False,
                    check_exists: bool = True) -> List[dict]:
    """``[{'filename', 'label'}, ...]`` of ``ann_file``, checked.

    Raises:
        FileNotFoundError: ``ann_file`` or the ``video_dir`` folder is
            missing, or (``check_exists``) listed videos are not on disk.
        ValueError: The file is empty, a line is malformed or a label lies
            outside ``[0, num_classes)``; the message names file and line.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'annotation file not found: {ann_file}')
    # Remote prefixes (s3://...) cannot be checked with os.path.
    if video_dir and '://' not in video_dir and not osp.isdir(video_dir):
        raise FileNotFoundError(
            f"data_prefix['video'] folder not found: {video_dir} "
            f'(for {ann_file})')
    data_list = [
        _entry(ann_file, line, video_dir, num_classes, multi_class)
        for line in read_annotation(ann_file, delimiter)
    ]
    if check_exists:
        _check_files(ann_file, data_list)
    return data_list


def _entry(ann_file: str, line: AnnotationLine, video_dir: str,
           num_classes: Optional[int], multi_class: bool) -> dict:
    where = f'{ann_file}:{line.lineno}'
    if not multi_class and len(line.labels) > 1:
        raise ValueError(f'{where}: expected "path label", got {line.text!r}')
    for label in line.labels:
        if num_classes is not None and not 0 <= label < num_classes:
            raise ValueError(f'{where}: label {label} outside [0, '
                             f'{num_classes}) in {line.text!r}')
    # A line without label is an inference entry: VideoDataset uses -1.
    label = list(line.labels) if multi_class else (line.labels or (-1, ))[0]
    return dict(filename=osp.join(video_dir, line.path), label=label)


def _check_files(ann_file: str, data_list: List[dict]) -> None:
    missing = [d['filename'] for d in data_list
               if '://' not in d['filename'] and not osp.exists(d['filename'])]
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} of {len(data_list)} videos listed in {ann_file} '
            f'do not exist, first: {missing[:SHOW]}. Clean the list with '
            'tools/data/check_videos.py or pass check_exists=False.')


def read_annotation(path: str, delimiter: str = None) -> List[AnnotationLine]:
    """Parse a VideoDataset annotation file, failing on the first bad line.

    Blank lines are skipped. A line is ``path`` (no label, as in inference
    lists) or ``path label [label ...]`` with integer labels.

    Raises:
        PreparationError: the file is missing or empty, or a line is bad.
    """
    if not osp.isfile(path):
        raise PreparationError(f'annotation file not found: {path}')
    with open(path, encoding='utf-8') as f:
        raw = f.read().splitlines()
    entries = []
    for lineno, text in enumerate(raw, start=1):
        if not text.strip():
            continue
        fields = text.strip().split(delimiter)
        entries.append(
            AnnotationLine(lineno, fields[0], _labels(path, lineno, fields),
                           text.strip()))
    if not entries:
        raise PreparationError(f'annotation file is empty: {path}')
    return entries


def _labels(path: str, lineno: int, fields: Sequence[str]) -> Tuple[int, ...]:
    try:
        return tuple(int(value) for value in fields[1:])
    except ValueError:
        raise PreparationError(
            f'{path}:{lineno}: labels must be integers, got '
            f'{" ".join(fields[1:])!r}') from None
