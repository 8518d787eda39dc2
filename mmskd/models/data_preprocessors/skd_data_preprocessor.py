"""A data preprocessor that can run SKD-SRL's clip augmentation on the
training device (see :mod:`.batch_clip_augment`)."""
from typing import List, Optional, Tuple

import torch
from mmaction.models.data_preprocessors import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from .batch_clip_augment import BatchClipAugment


@MODELS.register_module()
class SKDActionDataPreprocessor(ActionDataPreprocessor):
    """``ActionDataPreprocessor`` + the paper's clip augmentation on device.

    In training, every clip of the batch (each view of each video: inputs
    ``[N, V, C, T, H, W]``) is augmented with its own parameters before
    normalisation; validation and test inputs pass unchanged. Use it with a
    train pipeline that leaves ``SKDClipAugment`` out (the loader workers
    then only decode, resize and crop).

    Args:
        augment (dict, optional): Arguments of :class:`BatchClipAugment`
            (``p``, ``ops``, the ranges). None: no augmentation (a plain
            ``ActionDataPreprocessor``). Defaults to None.
        **kwargs: As ``ActionDataPreprocessor`` (format ``'NCTHW'``).
    """

    def __init__(self, augment: Optional[dict] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        if augment is not None and self.format_shape != 'NCTHW':
            raise ValueError('augment needs format_shape NCTHW, got '
                             f'{self.format_shape!r}')
        self.augment = None if augment is None else BatchClipAugment(
            **augment)

    def preprocess(self, inputs: List[torch.Tensor], data_samples: SampleList,
                   training: bool = False) -> Tuple:
        if training and self.augment is not None:
            batch = torch.stack(inputs)  # [N, V, C, T, H, W], uint8 values
            clips = self.augment(batch.flatten(0, 1))  # [N * V, C, T, H, W]
            inputs = list(clips.view(batch.shape))
        return super().preprocess(inputs, data_samples, training)
