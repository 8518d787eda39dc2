from .decode_failure_hook import DecodeFailureHook
from .self_kd_hook import SelfKDHook

__all__ = ['DecodeFailureHook', 'SelfKDHook']
