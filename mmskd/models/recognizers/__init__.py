from .skd_srl_recognizer3d import SKDSRLRecognizer3D

__all__ = ['SKDSRLRecognizer3D']
