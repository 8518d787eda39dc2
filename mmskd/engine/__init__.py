from .hooks import DecodeFailureHook

__all__ = ['DecodeFailureHook']
