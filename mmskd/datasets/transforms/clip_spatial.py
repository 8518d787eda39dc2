"""Clip-consistent spatial ops: horizontal flip and Gaussian blur."""
from typing import Tuple

import cv2
import numpy as np
from mmaction.registry import TRANSFORMS

from .clip_base import BaseClipTransform, check_range


@TRANSFORMS.register_module()
class ClipFlip(BaseClipTransform):
    """Flip every frame of a clip horizontally, with probability ``p``.

    Unlike MMAction2's ``Flip`` it only touches ``imgs`` (no keypoints or
    boxes). Keys as in :class:`BaseClipTransform`; ``aug_params['flip']`` is
    True when flipped.

    Args:
        p (float): Probability of flipping. Defaults to 0.5.
    """

    name = 'flip'
    kind = 'uint8'

    def sample_params(self) -> bool:
        return True

    def apply(self, clip: np.ndarray, param: bool) -> np.ndarray:
        # OpenCV flips each row of the [T * H, W, 3] view: the same values
        # as clip[:, :, ::-1], about 50x faster than numpy's strided copy.
        t, h, w, c = clip.shape
        rows = np.ascontiguousarray(clip).reshape(t * h, w, c)
        return cv2.flip(rows, 1).reshape(t, h, w, c)


@TRANSFORMS.register_module()
class ClipGaussianBlur(BaseClipTransform):
    """Gaussian blur with one sigma ~ U(sigma_range) for all frames.

    Keys as in :class:`BaseClipTransform`; ``aug_params['blur']`` is sigma.

    Args:
        p (float): Probability of blurring. Defaults to 0.5.
        sigma_range (tuple[float, float]): Range of the blur sigma, in
            pixels. Defaults to (0.1, 2.0) (docs/method.md section 3).
        kernel_size (int): Odd kernel size. Defaults to 7.
    """

    name = 'blur'

    def __init__(self,
                 p: float = 0.5,
                 sigma_range: Tuple[float, float] = (0.1, 2.0),
                 kernel_size: int = 7) -> None:
        super().__init__(p)
        self.sigma_range = check_range('sigma_range', sigma_range)
        if self.sigma_range[0] <= 0:
            raise ValueError(
                f'sigma_range must be positive, but got {sigma_range}')
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f'kernel_size must be odd, got {kernel_size}')
        self.kernel_size = kernel_size

    def sample_params(self) -> float:
        return float(np.random.uniform(*self.sigma_range))

    def apply(self, clip: np.ndarray, param: float) -> np.ndarray:
        return self.apply_owned(np.array(clip, order='C'), param)

    def apply_owned(self, clip: np.ndarray, param: float) -> np.ndarray:
        # OpenCV blurs each frame in place with the same result as into a
        # new array (tests/datasets/test_clip_augment.py checks the bits).
        ksize = (self.kernel_size, self.kernel_size)
        clip = np.ascontiguousarray(clip)
        for frame in clip:
            cv2.GaussianBlur(frame, ksize, param, dst=frame, sigmaY=param)
        return clip  # [T, H, W, 3]

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(p={self.p}, '
                f'sigma_range={self.sigma_range}, '
                f'kernel_size={self.kernel_size})')
