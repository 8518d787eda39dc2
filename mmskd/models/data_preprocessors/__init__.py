from .batch_clip_augment import BatchClipAugment
from .skd_data_preprocessor import SKDActionDataPreprocessor

__all__ = ['BatchClipAugment', 'SKDActionDataPreprocessor']
