from . import cpu_dist  # noqa: F401  (registers the CPU DDP wrapper)
from .hooks import (DecodeFailureHook, NonFiniteLossHook, RandomStateHook,
                    ResumableCheckpointHook, SelfKDHook)

__all__ = [
    'DecodeFailureHook', 'NonFiniteLossHook', 'RandomStateHook',
    'ResumableCheckpointHook', 'SelfKDHook'
]
