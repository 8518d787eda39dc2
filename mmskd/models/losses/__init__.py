from .kd_loss import KDLoss
from .siamese_similarity_loss import SiameseSimilarityLoss
from .view_distillation_loss import ViewDistillationLoss

__all__ = ['KDLoss', 'SiameseSimilarityLoss', 'ViewDistillationLoss']
