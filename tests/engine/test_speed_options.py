"""Speed switches: channels_last_3d (hook and helper), AMP settings,
allocator tuning, and the GPU benchmark's CPU smoke mode."""
import copy
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import HOOKS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import MMLogger

from conftest import REPO_ROOT
from mmskd.engine.hooks.channels_last_hook import ChannelsLast3dHook
from mmskd.engine import speed

CL3D = torch.channels_last_3d


def tiny_recognizer():
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dHara', depth=18),
        cls_head=dict(type='I3DHead', num_classes=5, in_channels=512,
                      dropout_ratio=0.0)))


def conv_weights(model):
    return [p for p in model.parameters() if p.dim() == 5]


def test_channels_last_changes_layout_not_results():
    model = tiny_recognizer()
    reference = copy.deepcopy(model)
    params = list(model.parameters())
    speed.enable_channels_last_3d(model)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    weights = conv_weights(model)
    assert all(w.is_contiguous(memory_format=CL3D) for w in weights)
    assert sum(not w.is_contiguous() for w in weights) > len(weights) // 2
    seen = []
    model.backbone.register_forward_pre_hook(
        lambda m, args: seen.append(args[0].is_contiguous(memory_format=CL3D)))
    # [N, clips, C, T, H, W]; 64x64 leaves layer4's BatchNorm 2x2x2 values
    # per sample (with 1x1x1 it would amplify summation-order noise)
    x = torch.randn(2, 1, 3, 8, 64, 64)
    samples = [ActionDataSample().set_gt_labels(i) for i in (1, 3)]
    losses = []
    for m in (reference, model):
        m.train()
        loss = m.loss(x, samples)['loss_cls']
        loss.backward()
        losses.append(loss)
    assert seen == [True]  # the backbone got NDHWC input
    torch.testing.assert_close(losses[1], losses[0], rtol=1e-5, atol=1e-5)
    for w, w_ref in zip(weights, conv_weights(reference)):
        assert w.grad.is_contiguous(memory_format=CL3D)
        error = (w.grad - w_ref.grad).norm() / w_ref.grad.norm()
        # against fp64, CPU NDHWC grads of the stem and layer1 (the largest
        # spatial reductions) are off by ~6e-4, NCDHW ones by ~1e-5; deeper
        # layers by ~2e-5 in both layouts. The oneDNN kernels chosen depend
        # on the CPU: CI's reached 3.2e-3 on one of them. A layout mistake
        # (wrong permutation, stale weights) gives errors of order 1.
        assert error < 1e-2
    for m in (reference, model):
        m.eval()
    with torch.no_grad():
        torch.testing.assert_close(
            model.extract_feat(x, test_mode=True)[0],
            reference.extract_feat(x, test_mode=True)[0],
            rtol=1e-4, atol=1e-5)


def test_channels_last_is_idempotent_and_checks_its_module():
    model = tiny_recognizer()
    first = speed.enable_channels_last_3d(model)
    assert speed.enable_channels_last_3d(model) is first
    assert len(model.backbone._forward_pre_hooks) == 1
    assert speed.enable_channels_last_3d(tiny_recognizer(), None) is None
    with pytest.raises(ValueError, match='neck'):
        speed.enable_channels_last_3d(tiny_recognizer(), 'neck')


def test_hook_builds_from_config_and_converts_before_run():
    hook = HOOKS.build(dict(type='ChannelsLast3dHook'))
    assert isinstance(hook, ChannelsLast3dHook)
    model = tiny_recognizer()
    runner = SimpleNamespace(model=model,
                             logger=MMLogger.get_instance('speed_test'))
    hook.before_run(runner)
    assert all(w.is_contiguous(memory_format=CL3D)
               for w in conv_weights(model))
    assert len(model.backbone._forward_pre_hooks) == 1


def test_amp_settings():
    assert speed.amp_settings('fp32') == dict(type='OptimWrapper')
    assert speed.amp_settings('fp16') == dict(
        type='AmpOptimWrapper', dtype='float16', loss_scale='dynamic')
    bf16 = speed.amp_settings('bf16')
    assert bf16['dtype'] == 'bfloat16'
    assert bf16['loss_scale'] == dict(enabled=False)
    assert not torch.amp.GradScaler('cpu', **bf16['loss_scale']).is_enabled()
    with pytest.raises(ValueError, match='precision'):
        speed.amp_settings('int8')


def test_tune_malloc_sets_glibc_and_env(monkeypatch):
    monkeypatch.delenv('MALLOC_MMAP_THRESHOLD_', raising=False)
    monkeypatch.delenv('MALLOC_TRIM_THRESHOLD_', raising=False)
    applied = speed.tune_malloc()
    assert os.environ['MALLOC_MMAP_THRESHOLD_'] == str(speed.MMAP_THRESHOLD)
    assert os.environ['MALLOC_TRIM_THRESHOLD_'] == str(speed.TRIM_THRESHOLD)
    if sys.platform.startswith('linux'):
        assert applied  # glibc takes the values


def test_gpu_benchmark_quick_cpu_mode():
    env = dict(os.environ, PYTHON=sys.executable)
    proc = subprocess.run(
        ['bash', 'tools/analysis/gpu_benchmark.sh', '--device', 'cpu',
         '--quick', '--models', 'plain', 'skd_separate'],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert any(line.startswith('| model | precision |') for line in lines)
    result = json.loads(lines[-1])
    rows = {(r['model'], r['format']): r for r in result['rows']}
    assert set(rows) == {(m, f) for m in ('plain', 'skd_separate')
                         for f in ('contiguous', 'channels_last')}
    assert rows['plain', 'contiguous']['speedup'] == 1.0
    assert rows['plain', 'channels_last']['vs_plain'] == 1.0
    for r in rows.values():
        assert r['clips_per_s'] == pytest.approx(
            4e3 / r['step_ms'], rel=1e-3)  # 4 clips in quick mode


@pytest.mark.parametrize('argv,dtype,loss_scale', [
    (['--amp'], None, 'dynamic'),
    (['--amp-dtype', 'float16'], 'float16', 'dynamic'),
    (['--amp-dtype', 'bfloat16'], 'bfloat16', dict(enabled=False)),
])
def test_train_amp_dtype_option(argv, dtype, loss_scale):
    from mmskd.apis import launch
    config = str(REPO_ROOT / 'configs/skd_srl/r18_ucf101.py')
    cfg = launch.build_train_cfg(launch.parse_train_args([config] + argv))
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.get('dtype') == dtype
    assert cfg.optim_wrapper.loss_scale == loss_scale
