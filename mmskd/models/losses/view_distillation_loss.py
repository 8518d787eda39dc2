"""The distillation term L_kd of SKD-SRL (paper Eq. 2, reconstructed).

Eq. 2 as printed is garbled (the same KL written twice). The text, Fig. 2 and
the definition p = p1 + p2 say the sum of the two views' logits is the soft
label that teaches each view (docs/method.md, section 1); that is the
default here.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .kd_loss import check_loss_weight, check_same_2d, check_tau, soft_kl

TARGETS = ('sum', 'mean', 'symmetric')


@MODELS.register_module()
class ViewDistillationLoss(nn.Module):
    """Self-distillation between the two views' logits (Eq. 2).

    With ``target='sum'`` (default)::

        t    = softmax(stopgrad(p1 + p2) / tau)
        L_kd = KL(t || softmax(p1 / tau)) + KL(t || softmax(p2 / tau))

    ``'mean'`` uses (p1 + p2) / 2 instead of the sum. ``'symmetric'`` is Eq. 2
    read literally with its second term mirrored::

        L_kd = KL(softmax(p1 / tau) || softmax(p2 / tau))
             + KL(softmax(p2 / tau) || softmax(p1 / tau))

    where the first argument of each KL is the teacher side. Each KL is summed
    over classes and averaged over the batch.

    Args:
        tau (float): Temperature. Defaults to 10.0 (paper Sec. IV-A).
        target (str): 'sum', 'mean' or 'symmetric'. Defaults to 'sum'.
        detach_target (bool): Stop the gradient through the teacher side.
            Defaults to True (as all of the authors' code).
        tau_squared (bool): Multiply by tau**2. Defaults to False (the
            authors' code has no such factor).
        loss_weight (float): Factor on the loss. Defaults to 1.0.
    """

    def __init__(self,
                 tau: float = 10.0,
                 target: str = 'sum',
                 detach_target: bool = True,
                 tau_squared: bool = False,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if target not in TARGETS:
            raise ValueError(
                f'target must be one of {TARGETS}, got {target!r}')
        self.tau = check_tau(tau)
        self.target = target
        self.detach_target = bool(detach_target)
        self.tau_squared = bool(tau_squared)
        self.loss_weight = check_loss_weight(loss_weight)

    def forward(self, p1: torch.Tensor, p2: torch.Tensor) -> torch.Tensor:
        """Compute L_kd of Eq. 2 (times tau**2 if set, times loss_weight).

        Args:
            p1 (torch.Tensor): Logits of view 1, [N, K].
            p2 (torch.Tensor): Logits of view 2 (same FC layer), [N, K].

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        check_same_2d('p1', p1, 'p2', p2)
        if self.target == 'symmetric':
            loss = self._symmetric(p1, p2)
        else:
            p = p1 + p2 if self.target == 'sum' else (p1 + p2) / 2  # [N, K]
            if self.detach_target:
                p = p.detach()
            t = F.softmax(p / self.tau, dim=1)  # [N, K]
            loss = soft_kl(p1 / self.tau, t) + soft_kl(p2 / self.tau, t)
        if self.tau_squared:
            loss = loss * self.tau**2
        return self.loss_weight * loss

    def _symmetric(self, p1: torch.Tensor, p2: torch.Tensor) -> torch.Tensor:
        """KL(q1 || q2) + KL(q2 || q1), q = softmax(p / tau), teacher first."""
        q1 = F.softmax(p1 / self.tau, dim=1)  # [N, K]
        q2 = F.softmax(p2 / self.tau, dim=1)  # [N, K]
        if self.detach_target:
            q1, q2 = q1.detach(), q2.detach()
        return soft_kl(p2 / self.tau, q1) + soft_kl(p1 / self.tau, q2)
