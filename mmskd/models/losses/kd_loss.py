"""Soft-label KL divergence (Hinton et al.) and the argument checks the
distillation losses share.

``KDLoss`` is the loss of the conventional-KD and Self-KD baselines of Table II
(docs/method.md section 8): a frozen teacher's soft labels teach the student.
"""
import math
import numbers

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS


def check_tau(tau: float) -> float:
    """Return ``tau`` as a float, or raise ValueError unless finite and > 0."""
    if (isinstance(tau, bool) or not isinstance(tau, numbers.Real)
            or not math.isfinite(tau) or tau <= 0):
        raise ValueError(f'tau must be a finite number > 0, got {tau!r}')
    return float(tau)


def check_loss_weight(loss_weight: float) -> float:
    """Return ``loss_weight`` as a float, or raise ValueError unless finite."""
    if (isinstance(loss_weight, bool)
            or not isinstance(loss_weight, numbers.Real)
            or not math.isfinite(loss_weight)):
        raise ValueError(
            f'loss_weight must be a finite number, got {loss_weight!r}')
    return float(loss_weight)


def check_same_2d(name_a: str, a: torch.Tensor, name_b: str,
                  b: torch.Tensor) -> None:
    """Raise ValueError unless ``a`` and ``b`` are both [N, K] of one shape."""
    if a.dim() != 2 or a.shape != b.shape:
        raise ValueError(f'{name_a} and {name_b} must both be [N, K] with the '
                         f'same shape, got {name_a} {tuple(a.shape)} and '
                         f'{name_b} {tuple(b.shape)}')


def soft_kl(student: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """KL(target || softmax(student)), summed over classes, batch mean.

    Args:
        student (torch.Tensor): Student logits already divided by tau, [N, K].
        target (torch.Tensor): Target probabilities, [N, K]. Gradient flows
            into it unless the caller detaches it.

    Returns:
        torch.Tensor: Scalar.
    """
    return F.kl_div(
        F.log_softmax(student, dim=1), target, reduction='batchmean')


@MODELS.register_module()
class KDLoss(nn.Module):
    """KL(softmax(t / tau) || softmax(s / tau)), the teacher always detached.

    Args:
        tau (float): Temperature. Defaults to 10.0 (the paper's tau).
        loss_weight (float): Factor on the loss. Defaults to 1.0.
        tau_squared (bool): Multiply by tau**2 (Hinton's gradient scaling).
            Defaults to False (as the authors' code).
    """

    def __init__(self,
                 tau: float = 10.0,
                 loss_weight: float = 1.0,
                 tau_squared: bool = False) -> None:
        super().__init__()
        self.tau = check_tau(tau)
        self.loss_weight = check_loss_weight(loss_weight)
        self.tau_squared = bool(tau_squared)

    def forward(self, student_logits: torch.Tensor,
                teacher_logits: torch.Tensor) -> torch.Tensor:
        """Distil the teacher's soft labels into the student.

        Args:
            student_logits (torch.Tensor): [N, K].
            teacher_logits (torch.Tensor): [N, K]; receives no gradient.

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        check_same_2d('student_logits', student_logits, 'teacher_logits',
                      teacher_logits)
        t = F.softmax(teacher_logits.detach() / self.tau, dim=1)  # [N, K]
        loss = soft_kl(student_logits / self.tau, t)
        if self.tau_squared:
            loss = loss * self.tau**2
        return self.loss_weight * loss
