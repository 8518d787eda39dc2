"""A run's length changed on the command line still ends annealed."""
import pytest
from mmengine.config import Config, DictAction

from conftest import REPO_ROOT
from helpers.schedule import lr_per_iteration
from mmskd.engine.schedule import length_options

DEMO = str(REPO_ROOT / 'configs/skd_srl/r18_synthetic_demo.py')


def _lrs(cfg, epochs, iters=3):
    """The learning rate at every iteration of a run of ``cfg``."""
    return lr_per_iteration(cfg, iters, epochs * iters)


@pytest.mark.parametrize('epochs', [6, 12, 30])
def test_shortened_or_lengthened_run_ends_annealed(epochs):
    cfg = Config.fromfile(DEMO)
    options = length_options(DEMO, epochs)
    assert options[0] == f'train_cfg.max_epochs={epochs}'
    cfg.merge_from_dict({k: DictAction._parse_iterable(v) for k, v in (
        o.split('=') for o in options)})  # as --cfg-options does
    lrs = _lrs(cfg, epochs)
    peak = cfg.optim_wrapper.optimizer.lr
    assert max(lrs) == pytest.approx(peak, rel=1e-6)
    assert lrs[-1] < 0.05 * peak  # annealed by the last iteration
    assert all(b <= a + 1e-12 for a, b in zip(lrs[10:], lrs[11:]))
    # without the options, a 6-epoch cut of the 12-epoch schedule would end
    # near the peak: what the options are for
    if epochs == 6:
        plain = Config.fromfile(DEMO)
        assert _lrs(plain, 6)[-1] > 0.5 * peak


def test_a_smoke_run_shorter_than_the_warm_up_only_gets_its_length():
    warmup = Config.fromfile(DEMO).param_scheduler[1].begin  # 1 epoch
    assert length_options(DEMO, warmup) == [f'train_cfg.max_epochs={warmup}']
    # one epoch longer reaches the annealing, which must then end with it
    assert length_options(DEMO, warmup + 1) == [
        f'train_cfg.max_epochs={warmup + 1}',
        f'param_scheduler.1.end={warmup + 1}', 'param_scheduler.1.T_max=1']
