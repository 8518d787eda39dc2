from .decode_failure_hook import DecodeFailureHook

__all__ = ['DecodeFailureHook']
