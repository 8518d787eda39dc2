"""Base class of the clip-consistent augmentations (METHOD.md section 2.3)."""
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
from mmcv.transforms import BaseTransform


def check_range(name: str, value: Tuple[float, float]) -> Tuple[float, float]:
    """Validate a ``(low, high)`` sampling range and return it as floats."""
    if len(value) != 2 or float(value[0]) > float(value[1]):
        raise ValueError(f'{name} must be a (low, high) pair with '
                         f'low <= high, but got {value}')
    return float(value[0]), float(value[1])


def stack_clip(imgs: List[np.ndarray]) -> np.ndarray:
    """Stack a list of HxWx3 uint8 frames into a float32 [T, H, W, 3] copy."""
    return np.stack(imgs).astype(np.float32)  # [T, H, W, 3]


def unstack_clip(clip: np.ndarray) -> List[np.ndarray]:
    """Round a float [T, H, W, 3] clip back to a list of uint8 frames."""
    clip = np.rint(np.clip(clip, 0, 255)).astype(np.uint8)
    return list(clip)


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
            clip = stack_clip(results['imgs'])  # [T, H, W, 3]
            results['imgs'] = unstack_clip(self.apply(clip, param))
        aug_params = dict(results.get('aug_params') or {})
        aug_params[self.name] = param
        results['aug_params'] = aug_params
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(p={self.p})'
