"""Stop training at the first NaN/inf loss, naming the iteration and term."""
import math
from typing import Dict, List, Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce
from mmengine.hooks import Hook


class NonFiniteLossError(FloatingPointError):
    """Raised by :class:`NonFiniteLossHook`."""


def nonfinite_terms(log_vars: Dict) -> List[str]:
    """``name=value`` for every non-finite loss entry of ``log_vars``.

    The total ``loss`` is listed only when no single term explains it.
    """
    bad = []
    for name, value in log_vars.items():
        if 'loss' not in name:
            continue  # logged metrics (e.g. top1_acc) are not losses
        value = float(value.detach() if hasattr(value, 'detach') else value)
        if not math.isfinite(value):
            bad.append(f'{name}={value}')
    terms = [b for b in bad if not b.startswith('loss=')]
    return terms or bad


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Raise :class:`NonFiniteLossError` at the first non-finite loss.

    The check runs after the optimizer step of the offending iteration
    (mmengine gives hooks no place between backward and step), so the
    weights in memory are already poisoned; but nothing is saved any more,
    so the last checkpoint on disk (written at an earlier epoch end) stays
    the last good one. With several ranks the verdict is all-reduced, so
    every rank stops together instead of the others hanging in the next
    gradient all-reduce. Message: ``non-finite loss at iter 7 (epoch 2):
    loss_kd=nan`` (iterations counted from 1, as in the training log).
    """

    priority = 'ABOVE_NORMAL'  # before any after_train_iter checkpointing

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[Dict] = None) -> None:
        if not outputs:
            return
        bad = nonfinite_terms(outputs)
        flag = torch.tensor(float(len(bad) > 0))
        all_reduce(flag, op='max')  # no-op without torch.distributed
        if flag.item() == 0:
            return
        where = f'iter {runner.iter + 1} (epoch {runner.epoch + 1})'
        detail = ', '.join(bad) if bad else 'on another rank'
        message = f'non-finite loss at {where}: {detail}'
        runner.logger.error(message + '; stopping, the last checkpoint is '
                            'the last good state')
        raise NonFiniteLossError(message)
