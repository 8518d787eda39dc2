"""NonFiniteLossHook: the run stops at the first NaN/inf loss, names the
iteration and the term, and the last good checkpoint stays the last one."""
import re

import pytest
import torch
from mmengine.runner import Runner

from helpers.tiny_run import one_thread, tiny_config  # noqa: F401
from helpers.videos import make_video_set
from mmskd.engine.hooks.nonfinite_hook import (NonFiniteLossError,
                                               NonFiniteLossHook,
                                               nonfinite_terms)

pytestmark = pytest.mark.usefixtures('one_thread')

NAN_AT_ITER = 7  # 1-based: epoch 2 of 4-iteration epochs, its 3rd batch


def test_nonfinite_terms_names_the_term_not_the_total():
    nan, inf = torch.tensor(float('nan')), torch.tensor(float('inf'))
    one = torch.tensor(1.0, requires_grad=True)
    assert nonfinite_terms(dict(loss=nan, loss_cls=one, loss_kd=nan)) == \
        ['loss_kd=nan']
    assert nonfinite_terms(dict(loss=inf, loss_sim=-inf, top1_acc=nan)) == \
        ['loss_sim=-inf']  # metrics without "loss" are not checked
    assert nonfinite_terms(dict(loss=nan, loss_cls=one)) == ['loss=nan']
    assert nonfinite_terms(dict(loss=one, loss_cls=one)) == []


def _run(tmp_path, with_hook: bool) -> Runner:
    make_video_set(tmp_path / 'data', {'train': 8, 'val': 2})
    cfg = tiny_config(tmp_path / 'data', tmp_path / 'work', epochs=2)
    cfg.randomness = dict(seed=0)  # no global deterministic flag in pytest
    cfg.model.loss_kd = dict(type='NaNAtCallLoss', at_call=NAN_AT_ITER,
                             loss=cfg.model.loss_kd)
    cfg.custom_hooks = [h for h in cfg.custom_hooks
                        if with_hook or h['type'] != 'NonFiniteLossHook']
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


def _finite(path) -> bool:
    state = torch.load(path, weights_only=True)['state_dict']
    return all(torch.isfinite(v).all() for v in state.values()
               if v.is_floating_point())


def test_run_stops_at_first_nan_and_keeps_last_good_checkpoint(tmp_path):
    with pytest.raises(NonFiniteLossError) as err:
        _run(tmp_path, with_hook=True)
    assert re.fullmatch(rf'non-finite loss at iter {NAN_AT_ITER} \(epoch 2\)'
                        r': loss_kd=nan', str(err.value))
    work = tmp_path / 'work'
    assert (work / 'last_checkpoint').read_text().endswith('epoch_1.pth')
    assert not (work / 'epoch_2.pth').exists()
    assert set((work / 'saved_by_rank0.txt').read_text().split()) == {'1'}
    assert _finite(work / 'epoch_1.pth')


def test_without_the_hook_nan_weights_get_saved(tmp_path):
    _run(tmp_path, with_hook=False)  # the hazard the hook prevents
    assert not _finite(tmp_path / 'work' / 'epoch_2.pth')


def test_hook_is_registered_where_configs_find_it():
    from mmaction.registry import HOOKS
    assert HOOKS.get('NonFiniteLossHook') is NonFiniteLossHook
    assert NonFiniteLossHook.priority == 'ABOVE_NORMAL'
