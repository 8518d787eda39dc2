"""Clip-consistent augmentations (METHOD.md section 2.3)."""
import colorsys
import copy

import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from mmskd.datasets.transforms import (DEFAULT_OPS, ClipBrightness,
                                       ClipChannelSplit, ClipContrast,
                                       ClipFlip, ClipGaussianBlur, ClipHue,
                                       SKDClipAugment)

OPS = [ClipFlip, ClipChannelSplit, ClipContrast, ClipBrightness,
       ClipGaussianBlur, ClipHue]


def make_clip(t=4, h=9, w=11, low=0, high=256, seed=0):
    """A list of ``t`` different random HxWx3 uint8 frames."""
    rng = np.random.RandomState(seed)
    return list(rng.randint(low, high, (t, h, w, 3)).astype(np.uint8))


def run(transform, imgs, seed=0):
    np.random.seed(seed)
    return transform(dict(imgs=imgs))


@pytest.mark.parametrize('op', OPS + [SKDClipAugment])
def test_shape_dtype_and_no_mutation(op):
    imgs = make_clip()
    before = copy.deepcopy(imgs)
    results = dict(imgs=imgs, aug_params={'other': 1})
    out = op(p=1.0)(results)
    assert len(out['imgs']) == 4
    assert all(f.shape == (9, 11, 3) and f.dtype == np.uint8
               for f in out['imgs'])
    assert all(np.array_equal(a, b) for a, b in zip(imgs, before))
    assert results['aug_params'] == {'other': 1}  # input dict untouched
    assert out['aug_params']['other'] == 1
    names = [op.name] if op is not SKDClipAugment else DEFAULT_OPS
    assert all(out['aug_params'][name] is not None for name in names)


@pytest.mark.parametrize('op', OPS + [SKDClipAugment])
def test_p0_is_identity(op):
    imgs = make_clip()
    for seed in range(5):
        out = run(op(p=0.0), imgs, seed)
        assert all(np.array_equal(a, b) for a, b in zip(imgs, out['imgs']))
        assert all(v is None for v in out['aug_params'].values())


@pytest.mark.parametrize('op', OPS + [SKDClipAugment])
def test_same_parameters_for_every_frame(op):
    """Identical input frames stay identical: nothing is drawn per frame."""
    frame = make_clip(t=1, h=16, w=16)[0]
    for seed in range(3):
        out = run(op(p=1.0), [frame] * 6, seed)['imgs']
        assert all(np.array_equal(out[0], f) for f in out[1:])
        if op not in (ClipFlip, ClipChannelSplit):  # may draw c1 == c2
            assert not np.array_equal(out[0], frame)


def test_probability_is_about_p():
    imgs = make_clip(t=1, h=2, w=2)
    np.random.seed(0)
    flips = [ClipFlip(p=0.3)(dict(imgs=imgs))['aug_params']['flip']
             for _ in range(1000)]
    assert 0.25 < np.mean([f is not None for f in flips]) < 0.35


def test_flip_and_channel_split_math():
    imgs = make_clip()
    x = np.stack(imgs)
    out = np.stack(run(ClipFlip(p=1.0), imgs)['imgs'])
    np.testing.assert_array_equal(out, x[:, :, ::-1])
    split = ClipChannelSplit(p=1.0)
    seed = next(s for s in range(100)
                if len(set(run(split, imgs, s)['aug_params']
                           ['channel_split'])) == 2)
    res = run(split, imgs, seed)
    c1, c2 = res['aug_params']['channel_split']
    out = np.stack(res['imgs'])
    np.testing.assert_array_equal(out[..., c1], x[..., c2])
    for c in {0, 1, 2} - {c1}:
        np.testing.assert_array_equal(out[..., c], x[..., c])
