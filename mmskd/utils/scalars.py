"""The per-epoch summary of a run from the runner's own scalar logs.

What MMEngine's ``LocalVisBackend`` logged lives in ``<work dir>/
<timestamp>/vis_data/scalars.json`` (one folder per invocation; a resumed
run has several). The configs (``configs/_base_/default_runtime.py``) log epoch
means, so the last training line of an epoch holds that epoch's mean of
every training metric: its ``top1_acc`` is the training clip accuracy.
"""
import json
import os.path as osp
from glob import glob
from typing import Dict, List, Optional, Tuple

# Logged keys kept per epoch (when the run logs them), record name first.
TRAIN_KEYS = (('lr', 'lr'), ('loss', 'loss'), ('loss_cls', 'loss_cls'),
              ('loss_kd', 'loss_kd'), ('loss_sim', 'loss_sim'),
              ('cos_sim', 'cos_sim'),
              ('cos_sim_mismatched', 'cos_sim_mismatched'),
              ('z_std', 'z_std'))
ACC_KEYS = ('top1_acc', 'top1_acc_view1', 'top1_acc_view2')


def read_scalars(work_dir: str) -> Tuple[Dict[int, dict], Dict[int, dict]]:
    """Per epoch, the last training record and the validation record.

    Later invocations (a resume) override earlier ones for the same epoch.
    """
    train: Dict[int, dict] = {}
    val: Dict[int, dict] = {}
    for path in sorted(glob(osp.join(work_dir, '*', 'vis_data',
                                     'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if 'acc/top1' in rec:
                    val[int(rec['step'])] = rec
                elif 'epoch' in rec:
                    epoch = int(rec['epoch'])
                    if rec['iter'] >= train.get(epoch, {}).get('iter', -1):
                        train[epoch] = rec
    return train, val


def train_top1(rec: dict) -> Optional[float]:
    """Training clip top-1 of a record: ``top1_acc``, or the mean of the
    two views' for SKD-SRL."""
    if 'top1_acc' in rec:
        return rec['top1_acc']
    views = [rec[k] for k in ACC_KEYS[1:] if k in rec]
    return sum(views) / len(views) if views else None


def epoch_log(work_dir: str) -> List[dict]:
    """One entry per epoch: learning rate, losses, training top-1, the
    Siamese monitors and validation top-1 (those that were logged)."""
    train, val = read_scalars(work_dir)
    log = []
    for epoch in sorted(set(train) | set(val)):
        entry = dict(epoch=epoch)
        rec = train.get(epoch, {})
        entry.update({name: rec[key] for name, key in TRAIN_KEYS
                      if key in rec})
        if train_top1(rec) is not None:
            entry['train_top1'] = train_top1(rec)
        if epoch in val:
            entry['val_top1'] = val[epoch]['acc/top1']
        log.append(entry)
    return log
