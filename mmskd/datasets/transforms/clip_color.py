"""Clip-consistent colour ops, in uint8 units (docs/method.md section 3).

The authors work in [-1, 1] units; with x in [0, 255] their ops read
``x' = clip((x - 127.5) * a + 127.5)`` (contrast) and ``x' = clip(x + 127.5 *
b)`` (brightness), clamped to [0, 255] after each op.
"""
from typing import Tuple

import cv2
import numpy as np
from mmaction.registry import TRANSFORMS

from .clip_base import BaseClipTransform, check_range

MID_GREY = 127.5


@TRANSFORMS.register_module()
class ClipChannelSplit(BaseClipTransform):
    """Copy channel c2 into channel c1, c1 and c2 drawn from {R, G, B}.

    c1 and c2 are drawn with replacement (c1 == c2 leaves the clip as is).
    Keys as in :class:`BaseClipTransform`; ``aug_params['channel_split']`` is
    ``(c1, c2)`` with 0=R, 1=G, 2=B.

    Args:
        p (float): Probability of applying. Defaults to 0.5.
    """

    name = 'channel_split'
    kind = 'uint8'

    def sample_params(self) -> Tuple[int, int]:
        c1, c2 = np.random.randint(3, size=2)
        return int(c1), int(c2)

    def apply(self, clip: np.ndarray, param: Tuple[int, int]) -> np.ndarray:
        c1, c2 = param
        out = clip.copy()
        out[..., c1] = clip[..., c2]
        return out


class _UniformParamOp(BaseClipTransform):
    """An op with one scalar parameter drawn from U(low, high)."""

    def __init__(self,
                 p: float = 0.5,
                 value_range: Tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__(p)
        self.value_range = check_range(f'{self.name} range', value_range)

    def sample_params(self) -> float:
        return float(np.random.uniform(*self.value_range))

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(p={self.p}, '
                f'value_range={self.value_range})')


@TRANSFORMS.register_module()
class ClipContrast(_UniformParamOp):
    """Scale around mid-grey: ``x' = clip((x - 127.5) * a + 127.5)``.

    Keys as in :class:`BaseClipTransform`; ``aug_params['contrast']`` is a.

    Args:
        p (float): Probability of applying. Defaults to 0.5.
        value_range (tuple[float, float]): Range of a. Defaults to (0.5, 1.5).
    """

    name = 'contrast'
    kind = 'pointwise'

    def __init__(self,
                 p: float = 0.5,
                 value_range: Tuple[float, float] = (0.5, 1.5)) -> None:
        super().__init__(p, value_range)

    def apply(self, clip: np.ndarray, param: float) -> np.ndarray:
        return np.clip((clip - MID_GREY) * param + MID_GREY, 0, 255)


@TRANSFORMS.register_module()
class ClipBrightness(_UniformParamOp):
    """Shift by b in [-1, 1] units: ``x' = clip(x + 127.5 * b)``.

    Keys as in :class:`BaseClipTransform`; ``aug_params['brightness']`` is b.

    Args:
        p (float): Probability of applying. Defaults to 0.5.
        value_range (tuple[float, float]): Range of b. Defaults to
            (-0.5, 0.5).
    """

    name = 'brightness'
    kind = 'pointwise'

    def __init__(self,
                 p: float = 0.5,
                 value_range: Tuple[float, float] = (-0.5, 0.5)) -> None:
        super().__init__(p, value_range)

    def apply(self, clip: np.ndarray, param: float) -> np.ndarray:
        return np.clip(clip + MID_GREY * param, 0, 255)


@TRANSFORMS.register_module()
class ClipHue(_UniformParamOp):
    """Rotate the hue by d of the full circle (HSV in [0, 1] RGB, float32).

    Keys as in :class:`BaseClipTransform`; ``aug_params['hue']`` is d.

    Args:
        p (float): Probability of applying. Defaults to 0.5.
        value_range (tuple[float, float]): Range of d. Defaults to (0, 0.1).
    """

    name = 'hue'

    def __init__(self,
                 p: float = 0.5,
                 value_range: Tuple[float, float] = (0.0, 0.1)) -> None:
        super().__init__(p, value_range)

    def apply(self, clip: np.ndarray, param: float) -> np.ndarray:
        return self._rotate(np.divide(clip, 255.0, dtype=np.float32), param)

    def apply_owned(self, clip: np.ndarray, param: float) -> np.ndarray:
        if clip.dtype != np.float32 or not clip.flags.c_contiguous:
            return self.apply(clip, param)
        return self._rotate(np.divide(clip, 255.0, out=clip), param)

    @staticmethod
    def _rotate(rgb: np.ndarray, param: float) -> np.ndarray:
        """Hue-rotate a float32 [T, H, W, 3] clip in [0, 1], in place."""
        # Each step writes into the buffer it reads. H + 360 d < 720, so
        # "subtract 360 where >= 360" is the float32 np.mod(H + 360 d, 360)
        # exactly, at 1/5 of its cost.
        t, h, w, _ = rgb.shape
        rgb = rgb.reshape(t * h, w, 3)
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV, dst=rgb)  # H in [0, 360)
        hue = hsv[..., 0]
        hue += np.float32(360.0 * param)
        np.subtract(hue, 360.0, out=hue, where=hue >= 360.0)
        rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB, dst=hsv).reshape(t, h, w, 3)
        np.multiply(rgb, 255.0, out=rgb)
        return np.clip(rgb, 0, 255, out=rgb)
