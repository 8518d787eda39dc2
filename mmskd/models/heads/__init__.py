from .siamese_head import SiameseHead

__all__ = ['SiameseHead']
