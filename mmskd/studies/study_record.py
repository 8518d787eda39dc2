"""A finished study run, boiled down to the record that is committed: its
checkpoints and test metrics (the per-epoch log comes from
:func:`mmskd.utils.scalars.epoch_log`)."""
import json
import os.path as osp
import re
from glob import glob
from typing import Tuple


def best_checkpoint(work_dir: str) -> Tuple[str, int]:
    """The ``best_acc_top1_epoch_N.pth`` of the run and its epoch N."""
    found = [(int(m.group(1)), p) for p in glob(
        osp.join(work_dir, 'best_acc_top1_epoch_*.pth'))
        for m in [re.search(r'epoch_(\d+)\.pth$', p)] if m]
    if len(found) != 1:
        raise FileNotFoundError(f'{work_dir}: expected one best_acc_top1_'
                                f'epoch_*.pth, found {len(found)}')
    epoch, path = found[0]
    return path, epoch


def last_checkpoint(work_dir: str, epochs: int) -> str:
    """The final epoch's checkpoint (``epoch_<epochs>.pth``)."""
    path = osp.join(work_dir, f'epoch_{epochs}.pth')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} is missing: training did not end')
    return path


def test_metrics(path: str) -> dict:
    """``top1``, ``top5``, ``mean1`` (fractions) of a ``--out-metrics``
    file."""
    with open(path) as f:
        raw = json.load(f)
    return dict(top1=raw['acc/top1'], top5=raw['acc/top5'],
                mean1=raw['acc/mean1'],
                decode_failed=raw.get('acc/decode_failed', 0))


def count_lines(path: str) -> int:
    with open(path) as f:
        return sum(1 for line in f if line.strip())
