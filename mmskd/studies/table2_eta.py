"""How long a Table II plan takes: prior seconds per stage, rescaled by what
the driver measures as it goes (:class:`Eta`).
"""
from typing import Dict, Optional, Sequence

from .table2_runner import PROTOCOLS, TEACHER, Run

# Rough priors, seconds per epoch with validation at the demo scale on 2 CPU
# cores (an SKD-SRL epoch ~31 s, as in `make demo`'s log; single-view ones
# about half, the R3D-50 teacher ~1.5x R3D-18); measurement replaces them
# once a run has trained.
EPOCH_S = dict(kd_teacher=24, baseline=16, baseline_aug=17, kd_r50=24,
               self_kd=21, skd_srl_no_srl=31, skd_srl=31)
STAGE_S = dict(train=10, video=25, clip=12)  # start-up; whole tests
TRAIN = ('train', 'resume')


def prior_s(run: Run, stages: Sequence[str], done: int = 0) -> float:
    """Prior seconds of ``stages`` of ``run``; ``done`` epochs are over.

    The teacher's tests (R3D-50) count twice.
    """
    total = 0.0
    for stage in stages:
        total += STAGE_S['train' if stage in TRAIN else stage] * (
            2 if run.row == TEACHER and stage in PROTOCOLS else 1)
        if stage in TRAIN:
            total += EPOCH_S[run.row] * max(run.epochs - done, 0)
    return total


def budget_split(plan: Sequence[Run]) -> Dict[str, float]:
    """Prior seconds of the whole plan from scratch: per epoch of all runs,
    and fixed (start-ups and tests)."""
    return dict(per_epoch=sum(EPOCH_S[r.row] for r in plan),
                fixed=sum(prior_s(r, ['train', *PROTOCOLS]) -
                          EPOCH_S[r.row] * r.epochs for r in plan))


class Eta:
    """Seconds left = priors of what is left x (measured / prior seconds
    of what is done, the done part of the running stage included)."""

    def __init__(self, prior_left: float):
        self.prior_left, self.prior_done, self.actual = prior_left, 0.0, 0.0

    def scale(self, elapsed: float = 0.0, prior_part: float = 0.0) -> float:
        """Measured / prior seconds so far (1 before any measurement)."""
        prior = self.prior_done + prior_part
        return (self.actual + elapsed) / prior if prior > 0 else 1.0

    def left(self, elapsed: float = 0.0, prior_part: float = 0.0) -> float:
        """Seconds left, ``elapsed`` into a stage whose first
        ``prior_part`` prior seconds are done."""
        rest = max(self.prior_left - prior_part, 0.0)
        return self.scale(elapsed, prior_part) * rest

    def finish(self, prior: float, elapsed: float) -> None:
        """A stage of ``prior`` seconds took ``elapsed``."""
        self.prior_left -= prior
        self.prior_done += prior
        self.actual += elapsed


def hhmm(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f'{minutes // 60:02d}:{minutes % 60:02d}'


def budget_message(plan: Sequence[Run], run: Run, elapsed: float,
                   epochs: int, scale: float,
                   budget_s: Optional[float]) -> str:
    """After the first training (``epochs`` of ``run`` in ``elapsed`` s):
    the whole plan's time at this speed, and whether it fits the budget."""
    per_epoch = (elapsed - STAGE_S['train']) / max(epochs, 1)
    split = budget_split(plan)
    total = scale * (split['per_epoch'] * run.epochs + split['fixed'])
    msg = (f'measured {per_epoch:.0f} s/epoch for {run.row} (prior '
           f'{EPOCH_S[run.row]}): all {len(plan)} runs from scratch take '
           f'~{hhmm(total)} (hh:mm) at {run.epochs} epochs')
    if not budget_s:
        return msg
    if total <= budget_s:
        return msg + f'; fits the budget of {hhmm(budget_s)}'
    fits = int((budget_s / scale - split['fixed']) // split['per_epoch'])
    return msg + (f'; over the budget of {hhmm(budget_s)}: --epochs '
                  f'{max(fits, 1)} would fit')
