"""What the Siamese branch is doing, in three logged numbers.

The matched cosine alone (``cos_sim``) says little: pooled 3D-CNN features of
*different* videos already have a cosine near 0.75 at initialisation, so a
high matched cosine may only mean that every output points the same way.
Two references make it readable:

* ``cos_sim_mismatched``: the same cosine between view 1 of video i and
  view 2 of another video j (all pairs i != j of the batch). SRL does
  something only where ``cos_sim`` rises above this.
* ``z_std``: SimSiam's collapse measure (Chen & He, 2021, Sec. 4.1): the
  standard deviation over the batch of the L2-normalised projections z, per
  channel, averaged over channels, times sqrt(D). About 1 when z spreads
  over the sphere like an isotropic Gaussian, 0 when every z is the same
  vector (collapse).
"""
import math
from typing import Dict

import torch
import torch.nn.functional as F


def pair_cosines(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Cosine of every row of ``a`` with every row of ``b``.

    Args:
        a (torch.Tensor): [N, D].
        b (torch.Tensor): [N, D].

    Returns:
        torch.Tensor: [N, N], entry (i, j) = cos(a_i, b_j).
    """
    return F.normalize(a, dim=1) @ F.normalize(b, dim=1).t()  # [N, N]


def siamese_monitors(z1: torch.Tensor, z2: torch.Tensor, v1: torch.Tensor,
                     v2: torch.Tensor) -> Dict[str, torch.Tensor]:
    """Matched and mismatched cosines of v against the other view's z, and
    the collapse measure of z. Detached; computed on z's device (no host
    synchronisation).

    Args:
        z1, z2 (torch.Tensor): Projections of the two views, [N, D].
        v1, v2 (torch.Tensor): Predictions q(z1), q(z2), [N, D].

    Returns:
        dict[str, torch.Tensor]: ``cos_sim`` (mean over i of the matched
        pairs, the negative of L_sim at weight 1), ``cos_sim_mismatched``
        (mean over i != j; only for N >= 2) and ``z_std`` (over both
        views' 2N projections).
    """
    with torch.no_grad():
        n, d = z1.shape
        # cos(v1_i, z2_j) and cos(v2_i, z1_j), the two halves of Eq. 3
        cos = 0.5 * (pair_cosines(v1, z2) + pair_cosines(v2, z1))  # [N, N]
        matched = cos.diagonal()  # [N]
        out = dict(cos_sim=matched.mean())
        if n >= 2:
            out['cos_sim_mismatched'] = (cos.sum() - matched.sum()) / (
                n * (n - 1))
        z = F.normalize(torch.cat([z1, z2]), dim=1)  # [2N, D]
        out['z_std'] = z.std(dim=0).mean() * math.sqrt(d)
    return out
