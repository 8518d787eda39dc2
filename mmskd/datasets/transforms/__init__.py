"""Data transforms of SKD-SRL: clip-consistent augmentations and the
two-view wrapper (docs/method.md section 3)."""
from .clip_augment import DEFAULT_OPS, SKDClipAugment
from .clip_base import BaseClipTransform
from .clip_color import ClipBrightness, ClipChannelSplit, ClipContrast, ClipHue
from .clip_spatial import ClipFlip, ClipGaussianBlur
from .decoded_frames import DecodedFrames
from .torchcodec_init import TorchCodecInit, TorchCodecReader
from .two_view import TwoViewSample

__all__ = [
    'BaseClipTransform', 'ClipBrightness', 'ClipChannelSplit', 'ClipContrast',
    'ClipFlip', 'ClipGaussianBlur', 'ClipHue', 'DEFAULT_OPS', 'DecodedFrames',
    'SKDClipAugment', 'TorchCodecInit', 'TorchCodecReader', 'TwoViewSample'
]
