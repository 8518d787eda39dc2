"""RandomStateHook: RNG states travel with the checkpoint and come back on
resume (only on resume), where mmengine alone would merely re-seed."""
import random
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from helpers.tiny_run import one_thread, tiny_config  # noqa: F401
from helpers.videos import make_video_set
from mmaction.registry import HOOKS
from mmskd.engine.hooks.rng_state_hook import (RandomStateHook,
                                               capture_rng_state,
                                               restore_rng_state)

pytestmark = pytest.mark.usefixtures('one_thread')


def _draws():
    return random.random(), float(np.random.rand()), float(torch.rand(1))


def test_capture_restore_round_trip_in_weights_only_types(tmp_path):
    state = capture_rng_state()
    expected = _draws()
    torch.save({'s': state}, tmp_path / 's.pth')
    loaded = torch.load(tmp_path / 's.pth', weights_only=True)['s']
    assert isinstance(loaded['numpy'][1], list)  # no numpy globals pickled
    restore_rng_state(loaded)
    assert _draws() == expected


def _fake_runner(resume: bool):
    loader = SimpleNamespace(num_workers=0, persistent_workers=False)
    return SimpleNamespace(_resume=resume, iter=8,
                           logger=MMLogger.get_current_instance(),
                           train_loop=SimpleNamespace(dataloader=loader))


@pytest.mark.parametrize('resume', [True, False])
def test_restores_on_resume_only(resume):
    hook, checkpoint = RandomStateHook(), {}
    hook.before_save_checkpoint(_fake_runner(resume), checkpoint)
    after_save = _draws()
    runner = _fake_runner(resume)
    hook.after_load_checkpoint(runner, checkpoint)  # load_from: no restore
    hook.before_train(runner)
    assert (_draws() == after_save) is resume


def test_world_size_mismatch_keeps_the_reseeded_state():
    hook, checkpoint = RandomStateHook(), {}
    hook.before_save_checkpoint(_fake_runner(True), checkpoint)
    checkpoint['rng_states'] *= 2  # written by a 2-rank run
    hook.after_load_checkpoint(_fake_runner(True), checkpoint)
    assert hook._pending is None


@HOOKS.register_module(force=True)
class TorchStateAtTrainStart(Hook):
    priority = 'VERY_LOW'  # after RandomStateHook (LOW) restored
    seen = []

    def before_train(self, runner) -> None:
        TorchStateAtTrainStart.seen.append(torch.get_rng_state())


@pytest.fixture(scope='module')
def epoch_1(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('rng')
    make_video_set(tmp / 'data', {'train': 8, 'val': 2})
    cfg = tiny_config(tmp / 'data', tmp / 'work', epochs=1)
    cfg.randomness = dict(seed=0)  # no global deterministic flag in pytest
    Runner.from_cfg(cfg).train()
    return cfg, tmp / 'work' / 'epoch_1.pth'


@pytest.mark.parametrize('with_hook', [True, False])
def test_resumed_runner_starts_from_the_saved_state(epoch_1, with_hook):
    cfg, path = epoch_1
    cfg = cfg.copy()
    cfg.update(resume=True, load_from=str(path))
    cfg.custom_hooks = [h for h in cfg.custom_hooks if with_hook or
                        h['type'] != 'RandomStateHook']
    cfg.custom_hooks.append(dict(type='TorchStateAtTrainStart'))
    TorchStateAtTrainStart.seen.clear()
    Runner.from_cfg(cfg).train()  # max_epochs reached: trains nothing
    saved = torch.load(path, weights_only=True)['rng_states'][0]['torch']
    # mmengine alone re-seeds: the state is the one after model init.
    assert torch.equal(TorchStateAtTrainStart.seen[0], saved) is with_hook
