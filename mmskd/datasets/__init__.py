from . import transforms  # noqa: F401
from .robust_acc_metric import RobustAccMetric
from .robust_video_dataset import RobustVideoDataset

__all__ = ['RobustAccMetric', 'RobustVideoDataset']
