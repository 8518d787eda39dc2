from .resnet3d_hara import ResNet3dHara

__all__ = ['ResNet3dHara']
