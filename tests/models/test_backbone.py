"""Hara et al.'s 3D ResNet (METHOD.md section 3)."""
import math

import pytest
import torch
from mmaction.registry import MODELS
from torch import nn


def _recognizer(depth: int, num_classes: int):
    return MODELS.build(
        dict(type='Recognizer3D',
             backbone=dict(type='ResNet3dHara', depth=depth),
             cls_head=dict(type='I3DHead', num_classes=num_classes,
                           in_channels=512 if depth == 18 else 2048,
                           dropout_ratio=0.0)))


# Parameter counts from METHOD.md's table (Hara's published architecture).
@pytest.mark.parametrize('depth,num_classes,expected', [
    (18, 101, 33_255_717), (18, 51, 33_230_067), (18, 400, 33_409_104),
    (50, 101, 46_405_925), (50, 51, 46_303_475), (50, 400, 47_018_576)])
def test_exact_parameter_count(depth, num_classes, expected):
    model = _recognizer(depth, num_classes)
    assert sum(p.numel() for p in model.parameters()) == expected


@pytest.mark.parametrize('depth,channels', [(18, 512), (50, 2048)])
def test_output_shape_for_16x112(depth, channels):
    backbone = MODELS.build(dict(type='ResNet3dHara', depth=depth))
    backbone.eval()  # ResNet3d.train() returns None, so no chaining
    with torch.no_grad():
        out = backbone(torch.randn(1, 3, 16, 112, 112))
    assert out.shape == (1, channels, 1, 4, 4)  # METHOD.md: final map 1x4x4


def test_stem_matches_hara():
    backbone = MODELS.build(dict(type='ResNet3dHara', depth=18))
    conv = backbone.conv1.conv
    assert conv.kernel_size == (7, 7, 7) and conv.stride == (1, 2, 2)
    assert conv.padding == (3, 3, 3) and conv.bias is None
    pool = backbone.maxpool
    assert isinstance(pool, nn.MaxPool3d)
    assert (pool.kernel_size, pool.stride, pool.padding) == (3, 2, 1)
    # The stem alone: 16x112x112 -> conv 16x56x56 -> pool 8x28x28.
    with torch.no_grad():
        x = backbone.maxpool(backbone.conv1(torch.randn(1, 3, 16, 112, 112)))
    assert x.shape == (1, 64, 8, 28, 28)


@pytest.mark.parametrize('depth', [18, 50])
def test_shortcut_b_and_strides(depth):
    backbone = MODELS.build(dict(type='ResNet3dHara', depth=depth))
    for i, layer in enumerate(
        [backbone.layer1, backbone.layer2, backbone.layer3,
         backbone.layer4]):
        first = layer[0]
        stride = 1 if i == 0 else 2
        # Bottleneck puts the stride on its 3x3x3 conv2 (Hara), Basic on conv1
        strided = first.conv2.conv if depth == 50 else first.conv1.conv
        assert strided.stride == (stride, ) * 3
        assert strided.kernel_size == (3, 3, 3)
        has_down = first.downsample is not None
        assert has_down == (i > 0 or depth == 50)  # type B: only on change
        if has_down:
            assert first.downsample.conv.kernel_size == (1, 1, 1)
            assert first.downsample.conv.stride == (stride, ) * 3


def test_init_kaiming_fan_out_and_no_zero_init_residual():
    torch.manual_seed(0)
    backbone = MODELS.build(dict(type='ResNet3dHara', depth=18))
    backbone.init_weights()
    conv = backbone.layer3[0].conv2.conv  # 256 -> 256, 3x3x3
    fan_out = conv.out_channels * math.prod(conv.kernel_size)
    assert conv.weight.std().item() == pytest.approx(
        math.sqrt(2.0 / fan_out), rel=0.05)
    for module in backbone.modules():
        if isinstance(module, nn.BatchNorm3d):  # last BN of blocks included
            assert torch.all(module.weight == 1)
            assert torch.all(module.bias == 0)


def test_pretrained_recognizer_checkpoint_loads_strictly(tmp_path):
    """A whole-recognizer checkpoint (backbone.* keys) loads into the
    backbone; a mismatching one raises with the key names."""
    torch.manual_seed(1)
    source = _recognizer(18, 5)
    source.init_weights()
    path = tmp_path / 'r18.pth'
    torch.save(dict(state_dict=source.state_dict()), path)
    backbone = MODELS.build(
        dict(type='ResNet3dHara', depth=18, pretrained=str(path)))
    backbone.init_weights()
    for key, value in source.backbone.state_dict().items():
        assert torch.equal(backbone.state_dict()[key], value), key
    wrong = MODELS.build(
        dict(type='ResNet3dHara', depth=50, pretrained=str(path)))
    with pytest.raises(ValueError, match='depth=50.*missing'):
        wrong.init_weights()
