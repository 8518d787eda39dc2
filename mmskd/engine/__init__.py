from .hooks import DecodeFailureHook, SelfKDHook

__all__ = ['DecodeFailureHook', 'SelfKDHook']
