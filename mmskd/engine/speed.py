"""Speed switches that change no result: channels-last 3D memory format,
mixed-precision step settings, and glibc allocator tuning for data workers.
See docs/performance.md, "Speed switches", for what each one gains."""
import ctypes
import ctypes.util
import os
from typing import Optional

import torch
from torch import nn

# mallopt(3) parameters and the values tune_malloc sets
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 32 * 1024**2  # glibc's dynamic threshold stops there
TRIM_THRESHOLD = 128 * 1024**2

AMP_DTYPES = dict(fp32=None, fp16=torch.float16, bf16=torch.bfloat16)


def tune_malloc(mmap_threshold: int = MMAP_THRESHOLD,
                trim_threshold: int = TRIM_THRESHOLD) -> bool:
    """Keep freed blocks below ``mmap_threshold`` in the heap for reuse.

    By default glibc serves every block over 128 KiB (a decoded clip, a
    float32 copy of it) with a fresh ``mmap``, so each transform pays page
    faults to touch new memory, and returns freed heap tops to the system.
    Raising both thresholds lets a data worker reuse its memory; the
    process keeps up to ``trim_threshold`` bytes of free heap. Setting it
    before DataLoader workers fork covers them; the same values go to
    ``os.environ`` (``MALLOC_*_``) for processes started later.

    Returns:
        bool: True where glibc took the settings (False elsewhere).
    """
    os.environ.setdefault('MALLOC_MMAP_THRESHOLD_', str(mmap_threshold))
    os.environ.setdefault('MALLOC_TRIM_THRESHOLD_', str(trim_threshold))
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library('c')).mallopt
    except (AttributeError, OSError, TypeError):
        return False
    return bool(
        mallopt(M_MMAP_THRESHOLD, mmap_threshold)
        and mallopt(M_TRIM_THRESHOLD, trim_threshold))


def _inputs_channels_last_3d(module: nn.Module, args: tuple) -> tuple:
    """Forward pre-hook: a 5-D first argument goes in channels_last_3d."""
    if args and torch.is_tensor(args[0]) and args[0].dim() == 5:
        x = args[0].contiguous(memory_format=torch.channels_last_3d)
        return (x, ) + tuple(args[1:])
    return args


def enable_channels_last_3d(model: nn.Module,
                            input_module: Optional[str] = 'backbone'):
    """Store 5-D weights as ``torch.channels_last_3d`` (NDHWC), in place.

    Convolutions then run on NDHWC tensors (cuDNN's fast layout for
    mixed-precision 3D convolutions). Parameters keep their identity, so
    an optimizer built before still holds them. With ``input_module`` (an
    attribute name, e.g. ``'backbone'``) its 5-D input is converted too.

    Returns:
        The pre-hook handle, or None when no input hook was added.
    """
    model.to(memory_format=torch.channels_last_3d)
    if input_module is None:
        return None
    target = getattr(model, input_module, None)
    if target is None:
        raise ValueError(f'{type(model).__name__} has no {input_module!r} '
                         'to feed channels_last_3d inputs')
    if getattr(target, '_mmskd_channels_last_3d', None) is not None:
        return target._mmskd_channels_last_3d  # already enabled
    handle = target.register_forward_pre_hook(_inputs_channels_last_3d)
    target._mmskd_channels_last_3d = handle
    return handle


def amp_settings(precision: str) -> dict:
    """``optim_wrapper`` keys that train in ``precision`` on GPU.

    fp16 needs dynamic loss scaling; bf16 has fp32's exponent range, so its
    scaler is switched off (``GradScaler(enabled=False)``).
    """
    if precision not in AMP_DTYPES:
        raise ValueError(f'precision must be one of {list(AMP_DTYPES)}, '
                         f'got {precision!r}')
    if precision == 'fp32':
        return dict(type='OptimWrapper')
    if precision == 'fp16':
        return dict(type='AmpOptimWrapper', dtype='float16',
                    loss_scale='dynamic')
    return dict(type='AmpOptimWrapper', dtype='bfloat16',
                loss_scale=dict(enabled=False))
