"""Hara-checkpoint conversion against an independent reference network."""
import argparse
import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.runner import load_checkpoint

from helpers.tools import load_tool
from mmskd.zoo import hara_checkpoint
from mmskd.zoo.hara_checkpoint import (HaraCheckpointError,
                                       convert_hara_checkpoint)

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / 'tools' / 'convert_hara_checkpoint.py'
sys.path.insert(0, str(REPO / 'tests' / 'models'))
from hara_reference import HaraResNet3d, randomize_  # noqa: E402


@functools.lru_cache(maxsize=None)
def reference(depth: int) -> HaraResNet3d:
    """Hara-named net, 7 classes, random weights and BN stats (cached)."""
    return randomize_(HaraResNet3d(depth, 7), seed=depth)


def build_recognizer(depth: int, num_classes: int = 7):
    head = dict(type='I3DHead', num_classes=num_classes, dropout_ratio=0.0)
    head['in_channels'] = 512 if depth == 18 else 2048
    pre = dict(type='ActionDataPreprocessor', format_shape='NCTHW')
    pre.update(mean=[127.5] * 3, std=[127.5] * 3)
    backbone = dict(type='ResNet3dHara', depth=depth)
    return MODELS.build(
        dict(
            type='Recognizer3D',
            backbone=backbone,
            cls_head=head,
            data_preprocessor=pre)).eval()


@pytest.fixture
def paths(tmp_path):
    """(SRC, DST) paths in a fresh folder; asserts DST.tmp never remains."""
    yield str(tmp_path / 'src.pth'), str(tmp_path / 'dst.pth')
    assert not os.path.exists(tmp_path / 'dst.pth.tmp')


def save_hara(src: str, state_dict: dict, **extra) -> str:
    """Save as Hara's DataParallel training did (``module.`` names)."""
    sd = {'module.' + k: v for k, v in state_dict.items()}
    torch.save(dict(state_dict=sd, arch='resnet-18', epoch=3, **extra), src)
    return src


@pytest.mark.parametrize('depth,batch', [(18, 2), (50, 1)])
def test_logits_match_reference(paths, depth, batch):
    src, dst = paths
    meta = convert_hara_checkpoint(
        save_hara(src,
                  reference(depth).state_dict()), dst, depth)
    assert torch.load(dst, weights_only=True)['meta'] == meta
    assert meta['num_classes'] == 7 and not meta['backbone_only']
    model = build_recognizer(depth)
    load_checkpoint(model, dst, strict=True)
    x = torch.randn(
        batch, 3, 16, 112, 112, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want, got = reference(depth)(x), model.cls_head(model.backbone(x))
    diff = (want - got).abs().max().item()
    print(f'R3D-{depth}: max |logit diff| {diff:.3g}, '
          f'max |logit| {want.abs().max().item():.3g}')
    assert want.abs().max() > 1 and diff <= 1e-4  # non-trivial logits


def test_plain_state_dict_without_prefix_or_batch_counts(paths):
    src, dst = paths
    sd = reference(18).state_dict()
    sd = {k: v for k, v in sd.items() if 'num_batches' not in k}
    torch.save(sd, src)  # no wrapper, no 'module.', no num_batches_tracked
    convert_hara_checkpoint(src, dst, 18)
    out = torch.load(dst, weights_only=True)['state_dict']
    counts = [v for k, v in out.items() if k.endswith('num_batches_tracked')]
    assert len(counts) == 20
    assert all(v.dtype == torch.long and v.item() == 0 for v in counts)
    assert torch.equal(out['backbone.layer4.1.conv2.bn.running_var'],
                       sd['layer4.1.bn2.running_var'])
    load_checkpoint(build_recognizer(18), dst, strict=True)


def test_cli_refuses_pickled_objects_without_unsafe_load(paths):
    src, dst = paths
    save_hara(src, reference(18).state_dict(), opt=argparse.Namespace(lr=1))
    cli = load_tool(CLI)  # in-process: a subprocess costs seconds
    with pytest.raises(SystemExit) as info:
        cli.main([src, dst, '--depth', '18'])
    msg = str(info.value)
    assert msg.startswith('error: ') and 'non-tensor' in msg
    assert '--unsafe-load' in msg and not os.path.exists(dst)


def test_cli_unsafe_load_and_new_num_classes_drop_fc(paths):
    src, dst = paths
    save_hara(src, reference(18).state_dict(), opt=argparse.Namespace(lr=1))
    args = [src, dst, '--depth', '18', '--num-classes', '5', '--unsafe-load']
    res = subprocess.run(
        [sys.executable, str(CLI)] + args,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120)
    assert res.returncode == 0, res.stderr
    assert 'fc dropped' in res.stdout and 'backbone only' in res.stdout
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt['meta']['backbone_only'] and ckpt['meta']['num_classes'] == 5
    assert not any(k.startswith('cls_head') for k in ckpt['state_dict'])
    backbone = build_recognizer(18, num_classes=5).backbone
    load_checkpoint(
        backbone, dst, strict=True, revise_keys=[(r'^backbone\.', '')])


def convert_error(paths, state_dict: dict, depth: int = 18) -> str:
    """The HaraCheckpointError message; asserts no DST was written."""
    src, dst = paths
    with pytest.raises(HaraCheckpointError) as info:
        convert_hara_checkpoint(save_hara(src, state_dict), dst, depth)
    assert not os.path.exists(dst)
    return str(info.value)


def test_shortcut_a_is_refused_with_reason(paths):
    sd = HaraResNet3d(18, 7, shortcut='A').state_dict()
    assert not any('downsample' in k for k in sd)
    msg = convert_error(paths, sd)
    assert 'shortcut type A' in msg and 'zero-padded' in msg
    assert '1x1x1 conv + BN' in msg


def test_depth_mismatch(paths):
    msg = convert_error(paths, reference(50).state_dict(), depth=18)
    assert 'depth mismatch' in msg and 'has Bottleneck' in msg
    msg = convert_error(paths, reference(18).state_dict(), depth=50)
    assert 'depth mismatch' in msg and 'has BasicBlock' in msg


def test_missing_unexpected_and_misshapen_keys_are_named(paths):
    sd = dict(reference(18).state_dict())
    del sd['layer3.1.conv2.weight']
    sd['layer3.1.extra.weight'] = torch.zeros(1)
    sd['layer1.0.bn1.bias'] = torch.zeros(3)
    msg = convert_error(paths, sd)
    assert "missing keys: ['layer3.1.conv2.weight']" in msg
    assert "unexpected keys: ['layer3.1.extra.weight']" in msg
    assert 'layer1.0.bn1.bias (3,) != (64,)' in msg


def test_missing_src_and_non_checkpoint(paths):
    src, dst = paths
    with pytest.raises(FileNotFoundError, match=re.escape(src)):
        convert_hara_checkpoint(src, dst, 18)
    torch.save({'model': 'x', 'epoch': 3}, src)
    with pytest.raises(HaraCheckpointError, match="no 'state_dict' key"):
        convert_hara_checkpoint(src, dst, 18)


def test_failed_write_keeps_old_dst(paths, monkeypatch):
    src, dst = paths
    save_hara(src, reference(18).state_dict())
    Path(dst).write_bytes(b'old')

    def broken_save(obj, path):
        Path(path).write_bytes(b'half')
        raise OSError('disk full')

    monkeypatch.setattr(hara_checkpoint.torch, 'save', broken_save)
    with pytest.raises(OSError, match='disk full'):
        convert_hara_checkpoint(src, dst, 18)
    assert Path(dst).read_bytes() == b'old'  # and no DST.tmp (fixture)
