from . import cpu_dist  # noqa: F401  (registers the CPU DDP wrapper)
from .hooks import (ChannelsLast3dHook, DecodeFailureHook, NonFiniteLossHook,
                    RandomStateHook, ResumableCheckpointHook, SelfKDHook)

__all__ = [
    'ChannelsLast3dHook', 'DecodeFailureHook', 'NonFiniteLossHook',
    'RandomStateHook', 'ResumableCheckpointHook', 'SelfKDHook'
]
