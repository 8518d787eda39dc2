"""setup_cpu_distributed: acts only for torchrun without CUDA, and then
selects gloo and the CPU DDP wrapper (the 2-process run itself is
tests/e2e/test_distributed.py)."""
import pytest
import torch
import torch.distributed as torch_dist
from mmengine.config import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS

from mmskd.engine import cpu_dist
from mmskd.engine.cpu_dist import (CPUDistributedDataParallel,
                                   setup_cpu_distributed)


def _cfg(**kwargs) -> Config:
    return Config(dict(launcher='pytorch',
                       env_cfg=dict(dist_cfg=dict(backend='nccl')), **kwargs))


@pytest.fixture
def no_cuda_group_ready(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    monkeypatch.setattr(cpu_dist.torch_dist, 'is_initialized', lambda: True)


def test_switches_backend_and_wrapper(no_cuda_group_ready):
    cfg = _cfg(find_unused_parameters=True)
    assert setup_cpu_distributed(cfg) is True
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert cfg.model_wrapper_cfg == dict(
        type='CPUDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=True)


def test_leaves_gpu_and_single_process_runs_alone(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    cfg = _cfg()
    assert setup_cpu_distributed(cfg) is False
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert setup_cpu_distributed(Config(dict(launcher='none'))) is False


@pytest.mark.parametrize('bad, match', [
    (dict(sync_bn='torch'), 'SyncBatchNorm'),
    (dict(model_wrapper_cfg=dict(type='MMFullyShardedDataParallel')),
     'not supported on CPU'),
])
def test_rejects_what_cannot_run_on_cpu(no_cuda_group_ready, bad, match):
    with pytest.raises(ValueError, match=match):
        setup_cpu_distributed(_cfg(**bad))


def test_wrapper_is_in_root_registry_and_drops_device_ids(tmp_path):
    assert MODEL_WRAPPERS.get('CPUDistributedDataParallel') is \
        CPUDistributedDataParallel
    torch_dist.init_process_group(
        'gloo', init_method=f'file://{tmp_path / "store"}', rank=0,
        world_size=1)
    try:  # the Runner always passes device_ids; DDP rejects it on CPU
        with pytest.raises(ValueError, match='device_ids'):
            MMDistributedDataParallel(torch.nn.Linear(2, 2), device_ids=[0])
        model = CPUDistributedDataParallel(torch.nn.Linear(2, 2),
                                           device_ids=[0])
        assert model.device_ids is None
    finally:
        torch_dist.destroy_process_group()
