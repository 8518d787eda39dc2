from .channels_last_hook import ChannelsLast3dHook
from .decode_failure_hook import DecodeFailureHook
from .nonfinite_hook import NonFiniteLossHook
from .resumable_checkpoint_hook import ResumableCheckpointHook
from .rng_state_hook import RandomStateHook
from .self_kd_hook import SelfKDHook

__all__ = [
    'ChannelsLast3dHook', 'DecodeFailureHook', 'NonFiniteLossHook',
    'RandomStateHook', 'ResumableCheckpointHook', 'SelfKDHook'
]
