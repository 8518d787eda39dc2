"""Hara et al.'s 3D ResNet (ref. [9] of the paper; docs/method.md section 5).

MMAction2's ``ResNet3d`` already builds Hara's stages once configured (7x7x7
stem, temporal stride 2 in layers 2-4, every block inflated 3x3x3, shortcut
type B). The one thing it cannot express is Hara's 3x3x3 stem max-pool (its
kernel is hard-wired to 1x3x3), so this subclass swaps that pool and fixes
the from-scratch defaults.
"""
from typing import Optional, Sequence

import torch.nn as nn
from mmaction.models.backbones.resnet3d import ResNet3d
from mmaction.registry import MODELS
from mmengine.logging import MMLogger
from mmengine.runner.checkpoint import _load_checkpoint


@MODELS.register_module()
class ResNet3dHara(ResNet3d):
    """3D ResNet-18/34/50/101/152 exactly as Hara et al. (CVPR 2018).

    For a ``[N, 3, 16, 112, 112]`` clip the output map is ``[N, C, 1, 4, 4]``
    with C = 512 (depth 18/34) or 2048 (depth 50+).

    Args:
        depth (int): 18, 34, 50, 101 or 152. Defaults to 18.
        pretrained (str, optional): A checkpoint of *this* architecture (e.g.
            one written by ``tools/convert_hara_checkpoint.py``) to load.
            Defaults to None (Kaiming-normal fan-out init, BN weight 1).
        **kwargs: Anything else ``ResNet3d`` accepts (e.g. ``norm_eval``,
            ``frozen_stages``); Hara's settings below are the defaults.
    """

    def __init__(self,
                 depth: int = 18,
                 pretrained: str = None,
                 conv1_kernel: Sequence[int] = (7, 7, 7),
                 temporal_strides: Sequence[int] = (1, 2, 2, 2),
                 spatial_strides: Sequence[int] = (1, 2, 2, 2),
                 **kwargs) -> None:
        hara = dict(
            pretrained2d=False,  # Hara trains from scratch, no 2D inflation
            conv1_stride_t=1,  # conv1: stride (1, 2, 2)
            pool1_stride_t=2,  # stem pool: stride 2 in T, H and W
            with_pool2=False,
            inflate=(1, 1, 1, 1),  # every block fully 3D
            inflate_style='3x3x3',  # Bottleneck: 1x1x1, 3x3x3, 1x1x1
            # docs/method.md section 5: no zero-init residual
            zero_init_residual=False)
        hara.update(kwargs)
        super().__init__(
            depth=depth,
            pretrained=pretrained,
            conv1_kernel=conv1_kernel,
            temporal_strides=temporal_strides,
            spatial_strides=spatial_strides,
            **hara)
        # Hara's stem pool is 3x3x3 / stride 2 / padding 1 in all three axes.
        self.maxpool = nn.MaxPool3d(kernel_size=3, stride=2, padding=1)

    def init_weights(self, pretrained: Optional[str] = None) -> None:
        """Kaiming init, or load ``pretrained`` strictly.

        ``ResNet3d`` loads a 3D checkpoint with ``strict=False`` and without
        stripping the ``backbone.`` prefix that a whole-recognizer checkpoint
        (e.g. one from ``tools/convert_hara_checkpoint.py``) has, so it would
        silently keep the random init. Here the prefix is stripped, the
        classifier's keys ignored and a mismatch raised with the key names.
        """
        path = pretrained or self.pretrained
        if not isinstance(path, str):
            super().init_weights()
            return
        ckpt = _load_checkpoint(path, map_location='cpu')
        state = ckpt.get('state_dict', ckpt)
        if any(k.startswith('backbone.') for k in state):
            state = {k[len('backbone.'):]: v for k, v in state.items()
                     if k.startswith('backbone.')}
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        shapes = sorted(k for k in set(own) & set(state)
                        if own[k].shape != state[k].shape)
        if missing or unexpected or shapes:
            raise ValueError(
                f'{path} does not match ResNet3dHara(depth={self.depth}): '
                f'missing {missing[:8]}, unexpected {unexpected[:8]}, '
                f'wrong shape {shapes[:8]}')
        self.load_state_dict(state, strict=True)
        MMLogger.get_current_instance().info(f'backbone loaded from {path}')
