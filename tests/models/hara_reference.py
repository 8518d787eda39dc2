"""Independent plain-torch 3D ResNet with Hara et al.'s parameter names.

Written from the architecture in METHOD.md section 3 (not from Hara's code
and without mmaction) so that converted checkpoints can be checked against a
second implementation. Shortcut ``'B'``: 1x1x1 conv + BN where the shape
changes; ``'A'``: parameter-free (subsample + zero-pad channels).
"""
from typing import List

import torch
import torch.nn as nn
import torch.nn.functional as F

LAYERS = {18: ('basic', [2, 2, 2, 2]), 50: ('bottleneck', [3, 4, 6, 3])}


def _conv_bn(cin: int, cout: int, k: int, stride: int = 1) -> tuple:
    conv = nn.Conv3d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
    return conv, nn.BatchNorm3d(cout)


class Block(nn.Module):
    """BasicBlock (3x3x3, 3x3x3) or Bottleneck (1x1x1, 3x3x3 strided, 1x1x1).

    Args:
        kind: ``'basic'`` or ``'bottleneck'``.
        cin: Input channels.
        width: Stage width (output is width, or 4 * width for bottleneck).
        stride: Stride in T, H and W (on the 3x3x3 conv).
        shortcut: ``'A'`` or ``'B'``.
    """

    def __init__(self, kind: str, cin: int, width: int, stride: int,
                 shortcut: str) -> None:
        super().__init__()
        self.cout = width * (4 if kind == 'bottleneck' else 1)
        self.stride = stride
        if kind == 'basic':
            specs = [(cin, width, 3, stride), (width, width, 3, 1)]
        else:
            specs = [(cin, width, 1, 1), (width, width, 3, stride),
                     (width, self.cout, 1, 1)]
        for i, spec in enumerate(specs, 1):
            conv, bn = _conv_bn(*spec)
            setattr(self, f'conv{i}', conv)
            setattr(self, f'bn{i}', bn)
        self.n_convs = len(specs)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if shortcut == 'B' and (stride != 1 or cin != self.cout):
            self.downsample = nn.Sequential(
                *_conv_bn(cin, self.cout, 1, stride))

    def _shortcut(self, x: torch.Tensor) -> torch.Tensor:
        if self.downsample is not None:
            return self.downsample(x)
        x = x[:, :, ::self.stride, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, 0, 0, self.cout - x.shape[1]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = x
        for i in range(1, self.n_convs + 1):
            out = getattr(self, f'bn{i}')(getattr(self, f'conv{i}')(out))
            if i < self.n_convs:
                out = self.relu(out)
        return self.relu(out + self._shortcut(x))


class HaraResNet3d(nn.Module):
    """Hara's 3D ResNet-18/50 (stem 7x7x7, max-pool 3x3x3 stride 2, fc).

    Args:
        depth: 18 or 50.
        num_classes: Size of ``fc``.
        shortcut: ``'B'`` (default, 1x1x1 conv + BN) or ``'A'`` (zero pad).
    """

    def __init__(self,
                 depth: int,
                 num_classes: int,
                 shortcut: str = 'B') -> None:
        super().__init__()
        kind, counts = LAYERS[depth]
        self.conv1 = nn.Conv3d(
            3, 64, 7, stride=(1, 2, 2), padding=3, bias=False)
        self.bn1 = nn.BatchNorm3d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool3d(3, stride=2, padding=1)
        cin = 64
        for i, (width, n) in enumerate(zip([64, 128, 256, 512], counts), 1):
            blocks: List[Block] = []
            for j in range(n):
                stride = 2 if i > 1 and j == 0 else 1
                blocks.append(Block(kind, cin, width, stride, shortcut))
                cin = blocks[-1].cout
            setattr(self, f'layer{i}', nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool3d(1)
        self.fc = nn.Linear(cin, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
        return self.fc(torch.flatten(self.avgpool(x), 1))


def randomize_(model: nn.Module, seed: int = 0) -> nn.Module:
    """Random weights and BN statistics, in place; returns ``model`` in eval.

    Running statistics are first measured on a random clip (so activations,
    and thus logits, stay O(1) as in a trained net), then jittered; BN affine
    parameters and ``num_batches_tracked`` are random too.
    """
    gen = torch.Generator().manual_seed(seed)
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm3d)]
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv3d, nn.Linear)):
                std = (2.0 / m.weight[0].numel())**0.5
                m.weight.normal_(0, std, generator=gen)
        for m in bns:
            m.weight.uniform_(0.5, 1.5, generator=gen)
            m.bias.normal_(0, 0.1, generator=gen)
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the one batch
        model.train()(torch.randn(1, 3, 16, 112, 112, generator=gen))
        for m in bns:
            m.momentum = 0.1
            m.running_var.mul_(
                torch.empty_like(m.running_var).uniform_(
                    0.8, 1.2, generator=gen))
            m.running_mean.add_(
                0.1 * torch.randn(m.running_mean.shape, generator=gen))
            m.num_batches_tracked.fill_(
                int(torch.randint(1, 1000, (), generator=gen)))
        model.fc.bias.normal_(0, 0.1, generator=gen)
    return model.eval()
