"""HMDB51 annotation files from the official ``testTrainMulti_7030_splits/``.

Each ``<class>_test_split<N>.txt`` lists ``<video name> <id>`` with id 1 =
train, 2 = test, 0 = unused in split N. Videos live in ``<class>/<video
name>``. Labels are the 0-based positions of the class names sorted
alphabetically (HMDB51 ships no class index; this is MMAction2's order too),
written to ``hmdb51_classes.txt`` for reference.
"""
import os
import os.path as osp
import re
from typing import Dict, List, Sequence, Tuple
from .annotations import (PreparationError, read_fields, replace_ext,
                          write_lines_atomic, write_split)

_SPLIT_FILE = re.compile(r'^(.+)_test_split([123])\.txt$')
_PHASES = {'1': 'train', '2': 'val', '0': None}


def find_split_files(split_dir: str) -> Dict[int, Dict[str, str]]:
    """``{split: {class name: split file}}`` found in ``split_dir``."""
    if not osp.isdir(split_dir):
        raise PreparationError(f'split folder not found: {split_dir}')
    found: Dict[int, Dict[str, str]] = {}
    for name in sorted(os.listdir(split_dir)):
        match = _SPLIT_FILE.match(name)
        if match:
            found.setdefault(int(match.group(2)), {})[match.group(1)] = \
                osp.join(split_dir, name)
    if not found:
        raise PreparationError(
            f'no <class>_test_split<N>.txt files in {split_dir}')
    return found


def read_class_split(path: str, cls: str, label: int
                     ) -> Dict[str, List[Tuple[str, int]]]:
    """One class's ``{'train': [...], 'val': [...]}`` for one split."""
    lists: Dict[str, List[Tuple[str, int]]] = dict(train=[], val=[])
    for lineno, fields in read_fields(path):
        if len(fields) != 2 or fields[1] not in _PHASES:
            raise PreparationError(
                f'{path}:{lineno}: expected "<video name> <0|1|2>", got '
                f'{" ".join(fields)!r}')
        phase = _PHASES[fields[1]]
        if phase is not None:
            lists[phase].append((f'{cls}/{fields[0]}', label))
    return lists


def prepare_hmdb51(split_dir: str, out_dir: str, video_root: str = None,
                   splits: Sequence[int] = (1, 2, 3),
                   video_ext: str = None) -> dict:
    """Write ``hmdb51_{train,val}_split_N_videos.txt`` for each split.

    Args:
        split_dir: The official ``testTrainMulti_7030_splits`` folder.
        out_dir: Where the annotation files go (e.g. ``data/hmdb51``).
        video_root: Videos folder (``<class>/<video>``) to check against;
            missing videos are left out and listed in ``<file>.missing.txt``.
            None skips the check.
        splits: Which of the three official splits to write.
        video_ext: Replace the listed ``.avi`` extension (e.g. ``mp4``).

    Returns:
        dict: ``num_classes``, ``classes_file`` and per split the reports.
    """
    files = find_split_files(split_dir)
    classes = sorted(files[min(files)])
    report = dict(num_classes=len(classes), splits={})
    for split in splits:
        if sorted(files.get(split, {})) != classes:
            raise PreparationError(
                f'{split_dir}: split {split} does not have one '
                f'<class>_test_split{split}.txt for each of the '
                f'{len(classes)} classes')
        lists = dict(train=[], val=[])
        for label, cls in enumerate(classes):
            for phase, entries in read_class_split(
                    files[split][cls], cls, label).items():
                lists[phase] += replace_ext(entries, video_ext)
        report['splits'][split] = {
            phase: write_split(
                osp.join(out_dir, f'hmdb51_{phase}_split_{split}_videos.txt'),
                entries, video_root) for phase, entries in lists.items()}
    report['classes_file'] = osp.join(out_dir, 'hmdb51_classes.txt')
    write_lines_atomic(report['classes_file'], classes)
    return report
