"""Projector g and predictor q of SKD-SRL's Siamese branch (paper Eq. 3, 4).

Not an MMAction2 neck: a neck feeds the classifier, while this head only adds
L_sim during training and is dropped from the released model.
"""
import logging
from typing import Dict, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import OptConfigType, OptMultiConfig
from mmengine.logging import print_log
from mmengine.model import BaseModule

from .siamese_monitors import siamese_monitors


@MODELS.register_module()
class SiameseHead(BaseModule):
    """Projector g (r -> z) and predictor q (z -> v), plus L_sim (Eq. 3).

    g: Linear(in_channels, proj_channels), bias on, no BN; optionally
    followed by a non-affine BatchNorm1d (SimSiam's projector output).
    q: Linear(proj_channels, pred_hidden_channels, bias=False) - BN - ReLU -
    Linear(pred_hidden_channels, proj_channels). (The paper's "v = g_mu(z)"
    is a typo for q_mu.)

    Args:
        in_channels (int): Channels C of the backbone feature. Defaults to 512
            (R3D-18; 2048 for R3D-50).
        proj_channels (int): Width of z and v. Defaults to 2048.
        pred_hidden_channels (int): Predictor bottleneck. Defaults to 512.
        proj_out_bn (bool): Add BatchNorm1d(proj_channels, affine=False)
            after g. Defaults to False.
        loss_sim (dict, optional): Config of the similarity loss. None means
            ``dict(type='SiameseSimilarityLoss', loss_weight=1.0)``.
        init_cfg (dict or list[dict], optional): Defaults to None (PyTorch's
            default Linear/BN init, as SimSiam).
    """

    def __init__(self,
                 in_channels: int = 512,
                 proj_channels: int = 2048,
                 pred_hidden_channels: int = 512,
                 proj_out_bn: bool = False,
                 loss_sim: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg=init_cfg)
        widths = dict(
            in_channels=in_channels,
            proj_channels=proj_channels,
            pred_hidden_channels=pred_hidden_channels)
        for name, value in widths.items():
            if isinstance(value, bool) or not isinstance(value, int) \
                    or value < 1:
                raise ValueError(f'{name} must be an int >= 1, got {value!r}')
        self.in_channels = in_channels
        projector = [nn.Linear(in_channels, proj_channels)]
        if proj_out_bn:
            projector.append(nn.BatchNorm1d(proj_channels, affine=False))
        self.projector = nn.Sequential(*projector)
        self.predictor = nn.Sequential(
            nn.Linear(proj_channels, pred_hidden_channels, bias=False),
            nn.BatchNorm1d(pred_hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(pred_hidden_channels, proj_channels))
        if loss_sim is None:
            loss_sim = dict(type='SiameseSimilarityLoss', loss_weight=1.0)
        self.loss_sim = MODELS.build(loss_sim)
        self._warned_single = False

    def _pool(self, feat: torch.Tensor) -> torch.Tensor:
        """Average-pool [N, C, T, H, W] (or pass [N, C]) to r, [N, C]."""
        if feat.dim() not in (2, 5) or feat.size(1) != self.in_channels:
            raise ValueError(f'feat must be [N, {self.in_channels}, T, H, W] '
                             f'or [N, {self.in_channels}], got '
                             f'{tuple(feat.shape)}')
        if self.training and feat.size(0) < 2:
            raise ValueError('SiameseHead has BatchNorm and needs at least 2 '
                             'samples per view in training, got batch size '
                             f'{feat.size(0)} (train loaders of two-view '
                             'configs set drop_last=True)')
        if feat.dim() == 5:
            return feat.mean(dim=(2, 3, 4))  # [N, C, T, H, W] -> [N, C]
        return feat  # [N, C], already pooled

    def forward(self, feat: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Project and predict one view.

        Args:
            feat (torch.Tensor): Backbone map [N, C, T, H, W] or pooled [N, C].

        Returns:
            tuple[torch.Tensor, torch.Tensor]: z = g(r) and v = q(z), each
            [N, proj_channels].
        """
        r = self._pool(feat)  # [N, C]
        z = self.projector(r)  # [N, D]
        v = self.predictor(z)  # [N, D]
        return z, v

    def loss(self, feat1: torch.Tensor,
             feat2: torch.Tensor) -> Dict[str, torch.Tensor]:
        """L_sim (Eq. 3) of two views of the same videos, and its monitors.

        A training batch of one video (the last, incomplete batch of an
        epoch when the loader keeps it) gives BatchNorm no statistics: it
        contributes no L_sim (a zero that still reaches every parameter, so
        DistributedDataParallel sees them all used) and a warning, once.

        Args:
            feat1 (torch.Tensor): View-1 feature, [N, C, T, H, W] or [N, C].
            feat2 (torch.Tensor): View-2 feature, same shape as ``feat1``.

        Returns:
            dict[str, torch.Tensor]: ``loss_sim`` and the detached metrics
            of :func:`siamese_monitors` (``cos_sim``, ``cos_sim_mismatched``,
            ``z_std``; logged, not summed into the loss).
        """
        if self.training and feat1.size(0) < 2:
            return dict(loss_sim=self._no_loss_for_one_video())
        z1, v1 = self(feat1)  # [N, D] each
        z2, v2 = self(feat2)  # [N, D] each
        loss_sim = self.loss_sim(z1, z2, v1, v2)
        return dict(loss_sim=loss_sim, **siamese_monitors(z1, z2, v1, v2))

    def _no_loss_for_one_video(self) -> torch.Tensor:
        if not self._warned_single:
            self._warned_single = True
            print_log(
                'SiameseHead: a training batch holds one video, so L_sim '
                'is skipped for it (BatchNorm needs 2 samples); set '
                'train_dataloader.drop_last=True to drop such batches',
                logger='current', level=logging.WARNING)
        return 0.0 * torch.stack([p.sum() for p in self.parameters()]).sum()
