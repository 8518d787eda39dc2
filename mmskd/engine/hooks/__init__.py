from .channels_last_hook import ChannelsLast3dHook
from .decode_failure_hook import DecodeFailureHook
from .nonfinite_hook import NonFiniteLossHook
from .resumable_checkpoint_hook import ResumableCheckpointHook
from .rng_state_hook import RandomStateHook
from .self_kd_hook import SelfKDHook
from .visualization_hook import ClipVisualizationHook

__all__ = [
    'ChannelsLast3dHook', 'ClipVisualizationHook', 'DecodeFailureHook',
    'NonFiniteLossHook', 'RandomStateHook', 'ResumableCheckpointHook',
    'SelfKDHook'
]
