"""SKD-SRL's clip-consistent augmentation (docs/method.md section 3)."""
from typing import Dict, Sequence, Tuple

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .clip_base import run_clip_ops
from .clip_color import ClipBrightness, ClipChannelSplit, ClipContrast, ClipHue
from .clip_spatial import ClipFlip, ClipGaussianBlur

# The paper's order: flip, channel split, contrast, brightness, blur, hue.
DEFAULT_OPS = ('flip', 'channel_split', 'contrast', 'brightness', 'blur',
               'hue')


@TRANSFORMS.register_module()
class SKDClipAugment(BaseTransform):
    """Apply each op with probability ``p``, parameters shared by all frames.

    Works in any MMAction2 pipeline that holds a list of RGB frames in
    ``imgs`` (e.g. after ``RandomCrop``, before ``FormatShape``). The result
    is that of stacking the clip once, keeping it in float32 between the ops
    (each op clamping to [0, 255]) and rounding it back to uint8 at the end;
    :func:`run_clip_ops` gets the same bits with less work.

    Required Keys:

        - imgs (list of HxWx3 uint8 RGB frames)

    Modified Keys:

        - imgs (new frames; the input frames are never changed in place)

    Added Keys:

        - aug_params (dict, one entry per op: the drawn parameter, or None
          when the op was not applied; see the ``Clip*`` transforms)

    Args:
        p (float): Probability of applying each op. Defaults to 0.5.
        ops (Sequence[str]): Ops to apply, in this order. Defaults to the
            paper's: ``('flip', 'channel_split', 'contrast', 'brightness',
            'blur', 'hue')``.
        contrast_range (tuple[float, float]): Range of the contrast factor a.
            Defaults to (0.5, 1.5).
        brightness_range (tuple[float, float]): Range of the brightness
            shift b, in [-1, 1] units. Defaults to (-0.5, 0.5).
        blur_sigma_range (tuple[float, float]): Range of the blur sigma.
            Defaults to (0.1, 2.0).
        blur_kernel_size (int): Blur kernel size. Defaults to 7.
        hue_range (tuple[float, float]): Range of the hue shift d, as a
            fraction of the hue circle. Defaults to (0.0, 0.1).
        uint8_path (bool): Keep the clip uint8 while the ops allow (see
            :func:`run_clip_ops`); False runs the plain float32 path, which
            gives the same frames more slowly (for checks and benchmarks).
            Defaults to True.
    """

    def __init__(
        self,
        p: float = 0.5,
        ops: Sequence[str] = DEFAULT_OPS,
        contrast_range: Tuple[float, float] = (0.5, 1.5),
        brightness_range: Tuple[float, float] = (-0.5, 0.5),
        blur_sigma_range: Tuple[float, float] = (0.1, 2.0),
        blur_kernel_size: int = 7,
        hue_range: Tuple[float, float] = (0.0, 0.1),
        uint8_path: bool = True
    ) -> None:
        op_args = dict(  # name: (transform class, its args after p)
            flip=(ClipFlip, ()),
            channel_split=(ClipChannelSplit, ()),
            contrast=(ClipContrast, (contrast_range, )),
            brightness=(ClipBrightness, (brightness_range, )),
            blur=(ClipGaussianBlur, (blur_sigma_range, blur_kernel_size)),
            hue=(ClipHue, (hue_range, )))
        unknown = set(ops) - set(op_args)
        if unknown or len(set(ops)) != len(ops):
            raise ValueError(f'ops must be distinct names from {DEFAULT_OPS}, '
                             f'but got {tuple(ops)}')
        self.ops = [op_args[name][0](p, *op_args[name][1]) for name in ops]
        self.uint8_path = uint8_path

    def transform(self, results: Dict) -> Dict:
        """Augment ``results['imgs']``; returns a new (shallow-copied) dict."""
        results = dict(results)
        aug_params = dict(results.get('aug_params') or {})
        steps = []
        for op in self.ops:  # every coin is tossed, applied or not
            param = op.draw()
            aug_params[op.name] = param
            if param is not None:
                steps.append((op, param))
        if steps:
            results['imgs'] = run_clip_ops(results['imgs'], steps,
                                           self.uint8_path)
        results['aug_params'] = aug_params
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(ops={self.ops})'
