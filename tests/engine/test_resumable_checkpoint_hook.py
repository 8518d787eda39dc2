"""ResumableCheckpointHook writes an epoch's checkpoint after that epoch's
validation (mmengine's CheckpointHook writes it before)."""
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.runner import Runner

from helpers.tiny_run import one_thread, tiny_config  # noqa: F401
from helpers.videos import make_video_set
from mmaction.registry import HOOKS

pytestmark = pytest.mark.usefixtures('one_thread')


@HOOKS.register_module(force=True)
class SaveOrderProbe(Hook):
    """Records (checkpoint epoch, validations run so far) at every save."""
    priority = 'VERY_HIGH'
    saves = []

    def before_run(self, runner) -> None:
        self.vals = 0

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.vals += 1

    def before_save_checkpoint(self, runner, checkpoint) -> None:
        SaveOrderProbe.saves.append((checkpoint['meta']['epoch'], self.vals))


@pytest.fixture(scope='module')
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp('ckpt_order') / 'data'
    make_video_set(root, {'train': 4, 'val': 2})  # 2 iterations an epoch
    return root


def _train(data, work, hook: str):
    cfg = tiny_config(data, work, epochs=3)
    cfg.randomness = dict(seed=0)
    cfg.train_cfg.val_interval = 2  # validates after epochs 2 and 3 (last)
    cfg.default_hooks.checkpoint.update(type=hook, save_best=None)
    cfg.custom_hooks.append(dict(type='SaveOrderProbe'))
    SaveOrderProbe.saves.clear()
    Runner.from_cfg(cfg).train()
    return list(SaveOrderProbe.saves)


def test_saves_after_validation_and_at_once_when_none_follows(data, tmp_path):
    assert _train(data, tmp_path, 'ResumableCheckpointHook') == \
        [(1, 0), (2, 1), (3, 2)]
    ckpt = torch.load(tmp_path / 'epoch_2.pth', weights_only=True)
    assert (ckpt['meta']['epoch'], ckpt['meta']['iter']) == (2, 4)
    assert (tmp_path / 'last_checkpoint').read_text().endswith('epoch_3.pth')


def test_stock_hook_saves_before_validation(data, tmp_path):
    assert _train(data, tmp_path, 'CheckpointHook') == \
        [(1, 0), (2, 0), (3, 1)]
