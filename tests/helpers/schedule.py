"""The learning rate a config's schedule gives at every iteration."""
from typing import List

from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS
from torch import nn


def lr_per_iteration(cfg, iters_per_epoch: int, iterations: int
                     ) -> List[float]:
    """The learning rate of each of ``iterations`` training iterations of
    ``cfg``, with ``iters_per_epoch`` iterations an epoch."""
    model = nn.Linear(2, 2)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    built = dict(optimizer=wrapper, epoch_length=iters_per_epoch)
    steps = [PARAM_SCHEDULERS.build(dict(step), default_args=built)
             for step in cfg.param_scheduler]  # as the Runner builds them
    lrs = []
    for _ in range(iterations):
        lrs.append(wrapper.param_groups[0]['lr'])
        for s in steps:
            s.step()
    return lrs
