"""The similarity term L_sim of SKD-SRL (paper Eq. 3 and 4, SimSiam's loss)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .kd_loss import check_loss_weight


def neg_cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """D(a, b) of Eq. 4: minus the cosine similarity, averaged over the batch.

    Args:
        a (torch.Tensor): [N, D].
        b (torch.Tensor): [N, D]. Not detached here: callers pass stopgrad(b).

    Returns:
        torch.Tensor: Scalar in [-1, 1].
    """
    return -F.cosine_similarity(a, b, dim=1).mean()


@MODELS.register_module()
class SiameseSimilarityLoss(nn.Module):
    """Symmetrised negative cosine similarity with stop-gradient (Eq. 3)::

        L_sim = 0.5 * D(v1, stopgrad(z2)) + 0.5 * D(v2, stopgrad(z1))

    z are projector outputs, v predictor outputs; z only gets gradient through
    v (the stop-gradient that keeps SimSiam from collapsing).

    Args:
        loss_weight (float): Factor on the loss (beta of Eq. 5 may live here or
            in the recognizer). Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = check_loss_weight(loss_weight)

    def forward(self, z1: torch.Tensor, z2: torch.Tensor, v1: torch.Tensor,
                v2: torch.Tensor) -> torch.Tensor:
        """Compute L_sim of Eq. 3, times loss_weight.

        Args:
            z1 (torch.Tensor): Projection of view 1, [N, D].
            z2 (torch.Tensor): Projection of view 2, [N, D].
            v1 (torch.Tensor): Prediction q(z1), [N, D].
            v2 (torch.Tensor): Prediction q(z2), [N, D].

        Returns:
            torch.Tensor: The weighted scalar loss, in [-w, w].
        """
        shapes = {
            n: tuple(x.shape)
            for n, x in dict(z1=z1, z2=z2, v1=v1, v2=v2).items()
        }
        if z1.dim() != 2 or len(set(shapes.values())) != 1:
            raise ValueError('z1, z2, v1, v2 must all be [N, D] with the same '
                             f'shape, got {shapes}')
        loss = 0.5 * neg_cosine(v1, z2.detach()) + 0.5 * neg_cosine(
            v2, z1.detach())
        return self.loss_weight * loss
