"""Distributed training on CPU-only machines (torchrun + gloo).

Two things in mmengine 0.10.7 assume GPUs (docs/stack.md, fix 6):
``init_dist('pytorch')`` calls ``torch.cuda.set_device`` unconditionally,
and the Runner passes ``device_ids=[LOCAL_RANK]`` to DDP, which DDP rejects
for a CPU module. The train/test tools call :func:`setup_cpu_distributed`;
it acts only for ``--launcher pytorch`` on a machine without CUDA, so the
GPU path is untouched.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.logging import print_log
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS

WRAPPER = 'CPUDistributedDataParallel'


# mmengine's ROOT registry: Runner.wrap_model looks the type up there (a
# child registry's wrapper fails its issubclass check).
@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` for modules on CPU.

    Args:
        module (nn.Module): The model, on CPU.
        device_ids: Ignored; DDP requires None for CPU modules, but the
            Runner always passes ``[LOCAL_RANK]``.
        **kwargs: Passed to ``MMDistributedDataParallel``.
    """

    def __init__(self, module, device_ids=None, **kwargs) -> None:
        super().__init__(module=module, device_ids=None, **kwargs)


def _cpu_wrapper_cfg(cfg: Config) -> dict:
    """``model_wrapper_cfg`` with the CPU wrapper and the Runner's default
    DDP arguments (which it applies only when no wrapper cfg is given)."""
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    if wrapper.get('type', WRAPPER) not in (WRAPPER,
                                            'MMDistributedDataParallel'):
        raise ValueError(f'model_wrapper_cfg.type={wrapper["type"]!r} is '
                         f'not supported on CPU; use {WRAPPER}')
    wrapper['type'] = WRAPPER
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters',
                       cfg.get('find_unused_parameters', False))
    return wrapper


def setup_cpu_distributed(cfg: Config) -> bool:
    """Prepare ``cfg`` (and the process group) for a CPU torchrun job.

    Does nothing unless ``cfg.launcher == 'pytorch'`` and CUDA is absent.
    Otherwise sets the dist backend to gloo (the configs say nccl), selects
    :class:`CPUDistributedDataParallel` (for the Runner, and for
    ``FlexibleRunner``'s ``DDPStrategy``), and initialises the process group
    from torchrun's environment, so that the runner skips ``init_dist``.

    Returns:
        True if the run was switched to CPU distributed mode.

    Raises:
        ValueError: ``sync_bn`` is set (torch's SyncBatchNorm is GPU-only)
            or ``model_wrapper_cfg`` names another wrapper.
    """
    if cfg.get('launcher', 'none') != 'pytorch' or torch.cuda.is_available():
        return False
    if cfg.get('sync_bn'):
        raise ValueError(f'sync_bn={cfg.sync_bn!r} cannot run on CPU: '
                         'torch.nn.SyncBatchNorm only supports GPU inputs')
    cfg.model_wrapper_cfg = _cpu_wrapper_cfg(cfg)
    if cfg.get('runner_type') == 'FlexibleRunner':
        strategy = cfg.setdefault('strategy', dict(type='DDPStrategy'))
        if strategy.get('type') == 'DDPStrategy':
            strategy['model_wrapper'] = dict(
                cfg.model_wrapper_cfg, type=WRAPPER)
        elif strategy.get('type') == 'FSDPStrategy':
            # FSDPStrategy passes device_id=LOCAL_RANK, which FSDP reads as
            # a GPU index; 'cpu' keeps the shards on the CPU
            wrapper = dict(strategy.get('model_wrapper') or {})
            wrapper.setdefault('type', 'MMFullyShardedDataParallel')
            wrapper['device_id'] = 'cpu'
            strategy['model_wrapper'] = wrapper
            if strategy.get('state_dict_cfg') == 'full':
                # mmengine's 'full' gathers with offload_to_cpu=True, which
                # died with SIGSEGV here (torch 2.13, shards already on the
                # CPU); the same whole checkpoint without the offload
                full = dict(rank0_only=True, offload_to_cpu=False)
                strategy['state_dict_cfg'] = dict(
                    state_dict_type='FULL_STATE_DICT',
                    state_dict_config=dict(type='FullStateDictConfig',
                                           **full),
                    optim_state_dict_config=dict(
                        type='FullOptimStateDictConfig', **full))
        else:
            raise ValueError(
                f'strategy {strategy.get("type")!r}: on CPU mmskd wires '
                'DDPStrategy and FSDPStrategy (DeepSpeed was not tried)')
    env_cfg = cfg.setdefault('env_cfg', dict())
    env_cfg.setdefault('dist_cfg', dict())['backend'] = 'gloo'
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(backend='gloo')  # env:// from torchrun
    print_log(f'CPU distributed: gloo, rank {os.environ.get("RANK")} of '
              f'{os.environ.get("WORLD_SIZE")}, {WRAPPER}', logger='current')
    return True
