"""Probe hooks for end-to-end tests (imported by the child via
``custom_imports``). They read state only; none draws a random number."""
import hashlib
import json
import os
import os.path as osp
import time

from mmaction.registry import HOOKS, MODELS
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from torch import nn

PAUSE_ENV = 'MMSKD_TEST_PAUSE_AT_ITER'


def _digest(data_batch) -> str:
    sha = hashlib.sha256()
    for clip in data_batch['inputs']:
        sha.update(clip.contiguous().numpy().tobytes())
    return sha.hexdigest()[:16]


@HOOKS.register_module()
class RecordBatchHook(Hook):
    """Append ``{iter, epoch, rank, inputs digest, loss}`` per iteration to
    ``work_dir/batches.jsonl``: the data order and augmentations of a run.
    With ``MMSKD_TEST_PAUSE_AT_ITER=N`` it writes ``work_dir/paused`` and
    sleeps before iteration N (0-based), so a test can kill it there."""

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        if os.environ.get(PAUSE_ENV) == str(runner.iter):
            open(osp.join(runner.work_dir, 'paused'), 'w').close()
            time.sleep(600)

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        record = dict(iter=runner.iter, epoch=runner.epoch, rank=get_rank(),
                      inputs=_digest(data_batch),
                      loss=float(outputs['loss'].detach()), pid=os.getpid())
        with open(osp.join(runner.work_dir, 'batches.jsonl'), 'a') as f:
            f.write(json.dumps(record) + '\n')

    def before_save_checkpoint(self, runner, checkpoint) -> None:
        # Runs inside Runner.save_checkpoint, i.e. only where a file is
        # written: the test checks that this is rank 0 alone.
        name = osp.join(runner.work_dir, f'saved_by_rank{get_rank()}.txt')
        with open(name, 'a') as f:
            f.write(f'{checkpoint["meta"]["epoch"]}\n')


@MODELS.register_module()
class NaNAtCallLoss(nn.Module):
    """Wraps a loss; its ``at_call``-th call (1-based) returns NaN."""

    def __init__(self, loss: dict, at_call: int) -> None:
        super().__init__()
        self.loss, self.at_call, self.calls = MODELS.build(loss), at_call, 0

    def forward(self, *args, **kwargs):
        self.calls += 1
        value = self.loss(*args, **kwargs)
        return value * float('nan') if self.calls == self.at_call else value
