"""Changing a run's length without breaking its schedule.

``train_cfg.max_epochs=N`` alone leaves a cosine annealing that was sized
for the config's own length either unfinished (N shorter: the run ends at a
high learning rate) or flat at zero (N longer). These options move its end
to N as well, so a shortened or lengthened run still ends annealed.
"""
from typing import List

from mmengine.config import Config


def length_options(config: str, epochs: int) -> List[str]:
    """``--cfg-options`` that make ``config`` train ``epochs`` epochs and
    end every epoch-based cosine annealing at ``epochs``. A run that ends
    before the annealing would begin (a smoke run of an epoch or two) only
    gets its length."""
    cfg = Config.fromfile(config)
    options = [f'train_cfg.max_epochs={epochs}']
    for k, step in enumerate(cfg.get('param_scheduler') or []):
        if step.get('type') == 'CosineAnnealingLR' and step.get('by_epoch'):
            begin = step.get('begin', 0)
            if epochs <= begin:
                continue
            options += [f'param_scheduler.{k}.end={epochs}',
                        f'param_scheduler.{k}.T_max={epochs - begin}']
    return options
