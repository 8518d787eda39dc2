"""UTD-MHAD depth (Chen, Jafari, Kehtarnavaz, ICIP 2015) from its official
``.mat`` files: videos, class names and cross-subject lists.

Layout written to ``out_dir``::

    videos/a<A>_s<S>_t<T>_depth.mp4   one per sequence (utd_mhad_depth.py)
    classes.txt                       27 names; line k = label k = action k+1
    train.txt  val.txt                training subjects, minus / only the
                                      validation subjects (model selection)
    trainval.txt                      all training subjects (1, 3, 5, 7)
    test.txt                          test subjects (2, 4, 6, 8)
    settings.json                     the conversion settings of the videos
    failed.txt                        files that could not be converted

Resumable: videos already written are kept (each is written atomically, so
one that exists is complete), stale temporary files of a killed run are
removed, and a rerun with other settings is refused rather than mixing two
kinds of video. A malformed or truncated ``.mat`` is named, listed in
``failed.txt`` and left out of every list; the others are converted.
"""
import glob
import json
import os
import os.path as osp
from typing import (Callable, ContextManager, Iterator, List, Optional,
                    Sequence, Tuple)

from mmskd.utils.io import write_json_atomic
from mmskd.utils.pool import map_in_workers
from mmskd.utils.progress import silent_progress
from .annotations import PreparationError, write_lines_atomic
from .utd_mhad_depth import (CRF, FAR_GREY, FPS, KEYINT, PERCENTILES,
                             convert_sequence, parse_name)

CLASSES = (
    'right_arm_swipe_to_the_left', 'right_arm_swipe_to_the_right',
    'right_hand_wave', 'two_hand_front_clap', 'right_arm_throw',
    'cross_arms_in_the_chest', 'basketball_shoot', 'right_hand_draw_x',
    'right_hand_draw_circle_clockwise',
    'right_hand_draw_circle_counter_clockwise', 'draw_triangle',
    'bowling_right_hand', 'front_boxing', 'baseball_swing_from_right',
    'tennis_right_hand_forehand_swing', 'arm_curl_two_arms', 'tennis_serve',
    'two_hand_push', 'right_hand_knock_on_door', 'right_hand_catch_an_object',
    'right_hand_pick_up_and_throw', 'jogging_in_place', 'walking_in_place',
    'sit_to_stand', 'stand_to_sit', 'forward_lunge_left_foot_forward',
    'squat_two_arms_stretch_out')
# A horizontal flip turns one class of each pair into the other.
MIRROR_PAIRS = ((0, 1), (8, 9))
TRAIN_SUBJECTS, TEST_SUBJECTS = (1, 3, 5, 7), (2, 4, 6, 8)
SETTINGS_VERSION = 1
TMP_SUFFIX = '.tmp.mp4'


def settings(size: int, margin: float) -> dict:
    """What decides the bytes of a converted video."""
    return dict(version=SETTINGS_VERSION, size=size, margin=margin,
                far_grey=FAR_GREY, percentiles=list(PERCENTILES), fps=FPS,
                crf=CRF, keyint=KEYINT)


def video_name(mat_path: str) -> str:
    """``videos/a1_s1_t1_depth.mp4`` for ``.../a1_s1_t1_depth.mat``."""
    return 'videos/' + osp.splitext(osp.basename(mat_path))[0] + '.mp4'


def find_sequences(depth_dir: str) -> List[str]:
    """The ``a*_s*_t*_depth.mat`` files of ``depth_dir``, sorted."""
    if not osp.isdir(depth_dir):
        raise PreparationError(f'depth folder not found: {depth_dir}')
    files = sorted(glob.glob(osp.join(depth_dir, 'a*_s*_t*_depth.mat')))
    if not files:
        raise PreparationError(
            f'{depth_dir}: no a<A>_s<S>_t<T>_depth.mat files (give the '
            'folder of the official Depth.zip)')
    for path in files:
        action, _, _ = parse_name(path)
        if not 1 <= action <= len(CLASSES):
            raise PreparationError(f'{path}: action {action} is not one of '
                                   f'the {len(CLASSES)} UTD-MHAD actions')
    return files


def _check_settings(out_dir: str, wanted: dict) -> None:
    path = osp.join(out_dir, 'settings.json')
    if osp.isfile(path):
        with open(path) as f:
            found = json.load(f)
        differ = [f'{k}: {found.get(k)} there, {wanted.get(k)} asked'
                  for k in sorted(set(found) | set(wanted))
                  if found.get(k) != wanted.get(k)]
        if differ:
            raise PreparationError(
                f'{out_dir} holds videos converted with other settings '
                f'({"; ".join(differ)}): use another output folder or '
                'delete this one')
    write_json_atomic(path, wanted)


def _remove_stale_tmp(folder: str) -> int:
    stale = glob.glob(osp.join(folder, '*' + TMP_SUFFIX))
    for path in stale:
        os.remove(path)
    return len(stale)


def _job(args: tuple) -> Tuple[str, Optional[str]]:
    src, dst, size, margin = args
    try:
        convert_sequence(src, dst, size, margin)
        return src, None
    except Exception as err:  # one bad file must not stop the others
        return src, str(err) if isinstance(err, PreparationError) else \
            f'{src}: {type(err).__name__}: {err}'


def _run(todo: list, workers: int) -> Iterator[Tuple[str, Optional[str]]]:
    return map_in_workers(_job, todo, workers, ordered=False)


def split_lists(done: Sequence[str], val_subjects: Sequence[int]) -> dict:
    """Annotation lines (``videos/<name>.mp4 <label>``) of every list."""
    lists = dict(train=[], val=[], trainval=[], test=[])
    for mat in sorted(done, key=parse_name):
        action, subject, _ = parse_name(mat)
        line = f'{video_name(mat)} {action - 1}'
        if subject in TEST_SUBJECTS:
            lists['test'].append(line)
        elif subject in TRAIN_SUBJECTS:
            lists['trainval'].append(line)
            lists['val' if subject in val_subjects else 'train'].append(line)
    return lists


def prepare_utd_mhad(depth_dir: str, out_dir: str, size: int = 128,
                     margin: float = 0.08, val_subjects: Sequence[int] = (7, ),
                     workers: int = 1,
                     progress: Callable[[int], ContextManager] = None
                     ) -> dict:
    """Convert every sequence (resumable) and write the lists.

    Args:
        progress: ``progress(total)`` gives a context manager whose
            ``advance()`` is called after each conversion (e.g.
            :class:`mmskd.utils.progress.JobProgress`).

    Returns:
        dict: ``total``, ``converted``, ``skipped`` (done before),
        ``stale_tmp_removed``, ``failed`` (error strings, each naming its
        file) and ``lists`` (name -> number of videos).
    """
    if size < 16 or size % 2:
        raise PreparationError(f'size must be an even number >= 16, got '
                               f'{size}')
    bad = sorted(set(val_subjects) - set(TRAIN_SUBJECTS))
    if bad or not val_subjects or set(val_subjects) == set(TRAIN_SUBJECTS):
        raise PreparationError(
            f'val_subjects must be some, not all, of the training subjects '
            f'{TRAIN_SUBJECTS}; got {tuple(val_subjects)}')
    files = find_sequences(depth_dir)
    os.makedirs(osp.join(out_dir, 'videos'), exist_ok=True)
    _check_settings(out_dir, settings(size, margin))
    stale = _remove_stale_tmp(osp.join(out_dir, 'videos'))
    todo = [(f, osp.join(out_dir, video_name(f)), size, margin)
            for f in files
            if not osp.isfile(osp.join(out_dir, video_name(f)))]
    failed = []
    with (progress or silent_progress)(len(todo)) as bar:
        for _, error in _run(todo, workers):
            if error:
                failed.append(error)
            bar.advance()
    done = [f for f in files if osp.isfile(osp.join(out_dir, video_name(f)))]
    lists = split_lists(done, val_subjects)
    for name, lines in lists.items():
        write_lines_atomic(osp.join(out_dir, f'{name}.txt'), lines)
    write_lines_atomic(osp.join(out_dir, 'classes.txt'), CLASSES)
    failed_file = osp.join(out_dir, 'failed.txt')
    if failed:
        write_lines_atomic(failed_file, sorted(failed))
    elif osp.exists(failed_file):
        os.remove(failed_file)  # stale list of an earlier run
    return dict(total=len(files), converted=len(todo) - len(failed),
                skipped=len(files) - len(todo), stale_tmp_removed=stale,
                failed=sorted(failed),
                lists={k: len(v) for k, v in lists.items()})
