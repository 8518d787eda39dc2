"""A run SIGKILLed mid-epoch and resumed with ``--resume`` ends bitwise equal
to the uninterrupted run: weights, optimizer, lr scheduler, RNG, data order,
augmentations, losses and val metrics (docs/reliability.md, section 1).

A control run with mmengine's own ``CheckpointHook`` (``stock_hook``)
diverges, so the comparison can fail; that resuming without
``RandomStateHook`` diverges too is shown in tests/engine (and measured in
docs/reliability.md).
"""
import json
import shutil
from pathlib import Path

import pytest
import torch

from helpers.children import (batch_records, differing_tensors, finish,
                              kill_when_paused, scalars, start)
from helpers.tiny_run import tiny_config
from helpers.videos import make_video_set

EPOCHS, ITERS = 5, 4  # ITERS per epoch: 8 videos, batch 2
VARIANTS = {  # name: (checkpoint hook, RandomStateHook on)
    'ours': ('ResumableCheckpointHook', True),
    'stock_hook': ('CheckpointHook', True),
}


def _kill_epoch(full) -> int:
    """The first epoch >= 2 whose validation did not improve the best score:
    resuming after it is the hard case (mmengine then keeps its pre-val
    checkpoint, which lacks the plateau step)."""
    tops = [r['acc/top1'] for r in scalars(full, 'acc/top1')]
    for epoch in range(2, EPOCHS):
        if tops[epoch - 1] <= max(tops[:epoch - 1]):
            return epoch
    pytest.fail(f'val top-1 improved every epoch ({tops}); no hard case')


def _tear_latest_checkpoint(src, dst, epoch: int) -> None:
    """A copy of the killed work dir whose latest checkpoint is cut in
    half, as a kill during a (non-atomic) write would leave it."""
    shutil.copytree(src, dst)
    latest = dst / f'epoch_{epoch}.pth'
    data = latest.read_bytes()
    latest.write_bytes(data[:len(data) // 2])
    (dst / 'last_checkpoint').write_text(str(latest))


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('resume')
    make_video_set(tmp / 'data', {'train': 8, 'val': 5})
    for name, (hook, rng) in VARIANTS.items():
        cfg = tiny_config(tmp / 'data', tmp / name, epochs=EPOCHS)
        cfg.default_hooks.checkpoint.type = hook
        cfg.custom_hooks = [h for h in cfg.custom_hooks
                            if rng or h['type'] != 'RandomStateHook']
        cfg.dump(str(tmp / f'{name}.py'))
    finish(start(tmp / 'ours.py', tmp / 'full', tmp / 'full.log'),
           tmp / 'full.log')
    kill_epoch = _kill_epoch(tmp / 'full')
    pause = kill_epoch * ITERS + 1  # one iteration into the next epoch
    killed = {name: start(tmp / f'{name}.py', tmp / name,
                          tmp / f'{name}.log', pause_before_iter=pause)
              for name in VARIANTS}
    for name, proc in killed.items():
        kill_when_paused(proc, tmp / name, tmp / f'{name}.log')
    _tear_latest_checkpoint(tmp / 'ours', tmp / 'torn', kill_epoch)
    resumed = {name: start(tmp / f'{name}.py', tmp / name,
                           tmp / f'{name}_resumed.log', ['--resume'])
               for name in VARIANTS}
    torn = start(tmp / 'ours.py', tmp / 'torn', tmp / 'torn_resumed.log',
                 ['--resume'])
    logs = {k: finish(p, tmp / f'{k}_resumed.log') for k, p in resumed.items()}
    torn.wait(timeout=300)  # asserted in its own test
    logs['torn'] = (tmp / 'torn_resumed.log').read_text()
    return tmp, kill_epoch, logs


def _final(work) -> dict:
    return torch.load(work / f'epoch_{EPOCHS}.pth', weights_only=True)


def _hub(ckpt: dict) -> tuple:
    info = ckpt['message_hub']['runtime_info']
    return (info['best_score'], info['keep_ckpt_ids'],
            info['best_ckpt'].rsplit('/', 1)[-1])


def test_kill_landed_mid_epoch_and_resume_used_the_epoch_checkpoint(runs):
    tmp, kill_epoch, logs = runs
    rows = [json.loads(x) for x in (tmp / 'ours' / 'batches.jsonl').open()]
    killed = [r['iter'] for r in rows if r['pid'] == rows[0]['pid']]
    assert killed == list(range(kill_epoch * ITERS + 1))  # 1 iter in
    resumed = [r[0] for r in batch_records(tmp / 'ours')]
    assert resumed == list(range(kill_epoch * ITERS, EPOCHS * ITERS))
    assert f'resumed epoch: {kill_epoch}, iter: {kill_epoch * ITERS}' \
        in logs['ours']
    assert 'restored the random, numpy and torch RNG states' in logs['ours']


def test_resumed_run_equals_uninterrupted_run_bitwise(runs):
    tmp, kill_epoch, _ = runs
    full, ours = _final(tmp / 'full'), _final(tmp / 'ours')
    for key in ('state_dict', 'optimizer', 'param_schedulers', 'rng_states'):
        assert differing_tensors(full[key], ours[key]) == [], key
    assert _hub(full) == _hub(ours)
    first = kill_epoch * ITERS  # every batch and loss after the resume point
    assert batch_records(tmp / 'full', first) == \
        batch_records(tmp / 'ours', first)
    val = [(r['step'], r['acc/top1'], r['acc/mean1'])
           for r in scalars(tmp / 'full', 'acc/top1')]
    assert val == [(r['step'], r['acc/top1'], r['acc/mean1'])
                   for r in scalars(tmp / 'ours', 'acc/top1')]


def test_plateau_scheduler_cut_the_lr(runs):
    lrs = [r['lr'] for r in scalars(runs[0] / 'full', 'lr')]
    start = tiny_config(Path('d'), Path('w')).optim_wrapper.optimizer.lr
    assert lrs[0] == start and min(lrs) < start  # its state matters


def test_torn_checkpoint_is_skipped_and_the_run_still_ends_exact(runs):
    tmp, kill_epoch, logs = runs
    torn = tmp / 'torn' / f'epoch_{kill_epoch}.pth'
    assert (tmp / 'torn' / f'epoch_{EPOCHS}.pth').exists(), \
        logs['torn'][-3000:]
    assert f'skipped incomplete checkpoint(s) {torn}' in logs['torn']
    assert f'falling back to the last complete checkpoint ' \
        f'{tmp / "torn" / f"epoch_{kill_epoch - 1}.pth"}' in logs['torn']
    assert f'resumed epoch: {kill_epoch - 1}' in logs['torn']
    assert differing_tensors(_final(tmp / 'full')['state_dict'],
                             _final(tmp / 'torn')['state_dict']) == []


def test_stock_checkpoint_hook_diverges(runs):
    tmp, kill_epoch, _ = runs
    # Its epoch checkpoint predates the val whose plateau step cut the lr.
    step = kill_epoch * ITERS + 1  # first iteration after the resume point
    lrs = {name: [r['lr'] for r in scalars(tmp / name, 'lr')
                  if r['step'] == step][-1] for name in ('full', 'stock_hook')}
    assert lrs['stock_hook'] > lrs['full']
    assert differing_tensors(_final(tmp / 'full')['state_dict'],
                             _final(tmp / 'stock_hook')['state_dict']) != []
