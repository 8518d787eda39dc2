"""UCF101 annotation files from the official ``ucfTrainTestlist/``.

Official formats (CRLF line ends in the distributed files):
``classInd.txt`` has ``1 ApplyEyeMakeup``; ``trainlist0N.txt`` has
``ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1``; ``testlist0N.txt`` has the
path only. Labels become 0-based classInd indices. The class is read from the
folder part of the path (the file names' own spelling differs for one class,
``HandstandPushups/v_HandStandPushups_...``).
"""
import os.path as osp
import re
from typing import Dict, List, Sequence, Tuple
from .annotations import (PreparationError, read_fields, replace_ext,
                          write_lines_atomic, write_split)

_GROUP = re.compile(r'_g(\d+)_c\d+\.\w+$')


def read_class_index(path: str) -> List[str]:
    """Class names in label order from ``classInd.txt`` (1-based, dense)."""
    classes = []
    for lineno, fields in read_fields(path):
        if len(fields) != 2 or not fields[0].isdigit():
            raise PreparationError(
                f'{path}:{lineno}: expected "<index> <ClassName>", got '
                f'{" ".join(fields)!r}')
        if int(fields[0]) != len(classes) + 1:
            raise PreparationError(
                f'{path}:{lineno}: index {fields[0]} out of sequence '
                f'(expected {len(classes) + 1})')
        classes.append(fields[1])
    if not classes:
        raise PreparationError(f'class index file is empty: {path}')
    return classes


def read_split_list(path: str,
                    classes: Sequence[str]) -> List[Tuple[str, int]]:
    """``(relative path, 0-based label)`` pairs of a train or test list."""
    index: Dict[str, int] = {name: i for i, name in enumerate(classes)}
    entries = []
    for lineno, fields in read_fields(path):
        video = fields[0]
        folder = video.split('/')[0]
        if '/' not in video or folder not in index:
            raise PreparationError(
                f'{path}:{lineno}: {video!r} is not "<Class>/<file>" with a '
                'class from classInd.txt')
        label = index[folder]
        if len(fields) > 1 and fields[1] != str(label + 1):
            raise PreparationError(
                f'{path}:{lineno}: label {fields[1]} disagrees with classInd '
                f'index {label + 1} of {folder}')
        group_of(video, f'{path}:{lineno}')  # validates the file name
        entries.append((video, label))
    return entries


def group_of(video: str, where: str = '') -> Tuple[str, int]:
    """``(class folder, group number)`` of ``Class/v_Class_gXX_cYY.ext``."""
    match = _GROUP.search(video)
    if match is None:
        raise PreparationError(
            f'{where}: {video!r} does not follow v_<Class>_gXX_cYY.<ext>')
    return video.split('/')[0], int(match.group(1))


def overlapping_groups(train: Sequence[Tuple[str, int]],
                       test: Sequence[Tuple[str, int]]) -> List[str]:
    """Groups present in both lists (official splits have none), sorted."""
    shared = {group_of(v) for v, _ in train} & {group_of(v) for v, _ in test}
    return [f'{cls}/g{num:02d}' for cls, num in sorted(shared)]


def prepare_ucf101(split_dir: str, out_dir: str, video_root: str = None,
                   splits: Sequence[int] = (1, 2, 3),
                   video_ext: str = None) -> dict:
    """Write ``ucf101_{train,val}_split_N_videos.txt`` for each split.

    Args:
        split_dir: The official ``ucfTrainTestlist`` folder.
        out_dir: Where the annotation files go (e.g. ``data/ucf101``).
        video_root: Videos folder to check listed files against (missing
            ones are left out and listed in ``<file>.missing.txt``); None
            skips the check.
        splits: Which of the three official splits to write.
        video_ext: Replace each listed extension (e.g. ``mp4`` after
            ``resize_videos.py``); None keeps ``.avi``.

    Returns:
        dict: ``num_classes``, ``classes_file`` (``ucf101_classes.txt``,
        line k = label k) and per split the two files' reports and
        ``overlapping_groups``.
    """
    classes = read_class_index(osp.join(split_dir, 'classInd.txt'))
    report = dict(num_classes=len(classes), splits={})
    for split in splits:
        lists = {
            phase: replace_ext(read_split_list(
                osp.join(split_dir, f'{name}0{split}.txt'), classes),
                video_ext)
            for phase, name in (('train', 'trainlist'), ('val', 'testlist'))
        }
        result = dict(overlapping_groups=overlapping_groups(
            lists['train'], lists['val']))
        for phase, entries in lists.items():
            name = f'ucf101_{phase}_split_{split}_videos.txt'
            result[phase] = write_split(
                osp.join(out_dir, name), entries, video_root)
        report['splits'][split] = result
    # class names, line k = label k: the configs' metainfo reads them, so
    # checkpoints carry them (tools/infer.py prints names, not numbers)
    report['classes_file'] = osp.join(out_dir, 'ucf101_classes.txt')
    write_lines_atomic(report['classes_file'], classes)
    return report
