"""Base class of the clip-consistent augmentations (docs/method.md,
section 3)."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform


def check_range(name: str, value: Tuple[float, float]) -> Tuple[float, float]:
    """Validate a ``(low, high)`` sampling range and return it as floats."""
    if len(value) != 2 or float(value[0]) > float(value[1]):
        raise ValueError(f'{name} must be a (low, high) pair with '
                         f'low <= high, but got {value}')
    return float(value[0]), float(value[1])


def unstack_clip(clip: np.ndarray) -> List[np.ndarray]:
    """Round a float [T, H, W, 3] clip back to a list of uint8 frames.

    Overwrites ``clip`` (its callers own it): clamping and rounding in place
    spare two fresh clip-sized arrays, whose page faults made this step
    several times slower than the arithmetic (2.7 ms vs 0.3 ms for a
    16x112x112 clip on the development machine).
    """
    np.clip(clip, 0, 255, out=clip)
    np.rint(clip, out=clip)
    return list(clip.astype(np.uint8))


def run_clip_ops(imgs: List[np.ndarray],
                 steps: Sequence[Tuple['BaseClipTransform', Any]],
                 uint8_path: bool = True) -> List[np.ndarray]:
    """Apply ``(op, param)`` steps in order to a list of uint8 frames.

    With ``uint8_path=False`` this is the reference path: stack to float32,
    ``op.apply`` each step, round back to uint8. The default gives the same
    bits (tests/datasets/test_clip_augment.py) more cheaply: the clip stays
    uint8 for as long as the ops allow (``op.kind``). Ops of kind ``'uint8'``
    (flip, channel split) only move values, so they run on the uint8 clip.
    Ops of kind ``'pointwise'`` (contrast, brightness) map each value alone,
    so while the clip is uint8 they are run on the 256 possible values
    instead of on every pixel, and the resulting table is applied once (by
    OpenCV's ``LUT``): the same float32 arithmetic on the same values gives
    the same bits. Anything else (blur, hue) gets the float32 clip, through
    ``op.apply_owned``: the float32 clip is this function's own, so blur and
    hue work in it in place.
    """
    clip = np.stack(imgs)  # uint8 [T, H, W, 3], a new array
    if not uint8_path:
        clip = clip.astype(np.float32)
    table = None  # float32 [256]: pointwise steps not applied to clip yet
    for op, param in steps:
        if clip.dtype == np.uint8 and op.kind == 'pointwise':
            values = np.arange(256, dtype=np.float32) if table is None \
                else table
            table = op.apply(values, param)
        elif clip.dtype == np.uint8 and op.kind == 'uint8' and table is None:
            clip = op.apply(clip, param)
        else:
            if clip.dtype == np.uint8:
                clip = _lookup(clip, table) if table is not None \
                    else clip.astype(np.float32)
                table = None
            # run_clip_ops made this clip (every step returns a new array)
            clip = op.apply_owned(clip, param) if uint8_path else op.apply(
                clip, param)
    if clip.dtype != np.uint8:
        return unstack_clip(clip)
    if table is not None:
        clip = _lookup(clip, np.rint(np.clip(table, 0, 255)).astype(np.uint8))
    return list(clip)


def _lookup(clip: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``table[clip]`` for a uint8 [T, H, W, 3] clip and a 256-entry table;
    OpenCV's LUT is several times faster than numpy's indexing here."""
    t, h, w, c = clip.shape
    flat = np.ascontiguousarray(clip).reshape(t * h, w * c)
    return cv2.LUT(flat, table.reshape(1, 256)).reshape(t, h, w, c)


class BaseClipTransform(BaseTransform):
    """Apply one op to a whole clip with probability ``p``.

    The op's parameters are drawn once per clip (from ``np.random``, so that
    mmengine's seeding makes them reproducible) and applied identically to
    every frame. Subclasses set ``name`` and implement :meth:`sample_params`
    and :meth:`apply`, which works on a float32 [T, H, W, 3] clip in uint8
    units and returns it clamped to [0, 255].

    Required Keys:

        - imgs (list of HxWx3 uint8 RGB frames)

    Modified Keys:

        - imgs (new frames; the input frames are never changed in place)

    Added Keys:

        - aug_params (dict: ``aug_params[name]`` is the drawn parameter, or
          ``None`` when the op was not applied)

    Args:
        p (float): Probability of applying the op. Defaults to 0.5.
    """

    name = 'base'
    # How :func:`run_clip_ops` may run the op without changing its result:
    # 'uint8' (only moves values: runs on the uint8 clip), 'pointwise' (a
    # function of each value alone: runs on a 256-entry table while the clip
    # is uint8) or 'float' (needs the float32 clip).
    kind = 'float'

    def __init__(self, p: float = 0.5) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f'p must be in [0, 1], but got {p}')
        self.p = p

    def sample_params(self) -> Any:
        """Draw the op's parameters for one clip."""
        raise NotImplementedError

    def apply(self, clip: np.ndarray, param: Any) -> np.ndarray:
        """Apply the op with ``param`` to a float32 [T, H, W, 3] clip."""
        raise NotImplementedError

    def apply_owned(self, clip: np.ndarray, param: Any) -> np.ndarray:
        """:meth:`apply` for a float32 clip the caller owns and drops: it may
        be overwritten and returned. Same values as :meth:`apply`; ops that
        can work in place override it to skip a fresh clip-sized array."""
        return self.apply(clip, param)

    def draw(self) -> Optional[Any]:
        """Toss the ``p`` coin; return drawn parameters, or None if it lost."""
        if np.random.rand() >= self.p:
            return None
        return self.sample_params()

    def transform(self, results: Dict) -> Dict:
        """Augment ``results['imgs']``; returns a new (shallow-copied) dict."""
        results = dict(results)
        param = self.draw()
        if param is not None:
            results['imgs'] = run_clip_ops(results['imgs'], [(self, param)])
        aug_params = dict(results.get('aug_params') or {})
        aug_params[self.name] = param
        results['aug_params'] = aug_params
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(p={self.p})'
