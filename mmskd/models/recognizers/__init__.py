from .kd_recognizer3d import KDRecognizer3D, SelfKDRecognizer3D
from .skd_srl_recognizer3d import SKDSRLRecognizer3D

__all__ = ['KDRecognizer3D', 'SKDSRLRecognizer3D', 'SelfKDRecognizer3D']
