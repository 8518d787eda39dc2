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

OPS = [
    ClipFlip, ClipChannelSplit, ClipContrast, ClipBrightness, ClipGaussianBlur,
    ClipHue
]


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
    # sigma < ~0.3 rounds back to the input: draw a visible blur here
    kwargs = dict(sigma_range=(1.0, 2.0)) if op is ClipGaussianBlur else {}
    for seed in range(3):
        out = run(op(p=1.0, **kwargs), [frame] * 6, seed)['imgs']
        assert all(np.array_equal(out[0], f) for f in out[1:])
        if op is not ClipChannelSplit:  # it may draw c1 == c2
            assert not np.array_equal(out[0], frame)


def test_probability_is_about_p():
    imgs = make_clip(t=1, h=2, w=2)
    np.random.seed(0)
    flips = [
        ClipFlip(p=0.3)(dict(imgs=imgs))['aug_params']['flip']
        for _ in range(1000)
    ]
    assert 0.25 < np.mean([f is not None for f in flips]) < 0.35


def test_flip_and_channel_split_math():
    imgs = make_clip()
    x = np.stack(imgs)
    out = np.stack(run(ClipFlip(p=1.0), imgs)['imgs'])
    np.testing.assert_array_equal(out, x[:, :, ::-1])
    split = ClipChannelSplit(p=1.0)
    seed = next(
        s for s in range(100)
        if len(set(run(split, imgs, s)['aug_params']['channel_split'])) == 2)
    res = run(split, imgs, seed)
    c1, c2 = res['aug_params']['channel_split']
    out = np.stack(res['imgs'])
    np.testing.assert_array_equal(out[..., c1], x[..., c2])
    for c in {0, 1, 2} - {c1}:
        np.testing.assert_array_equal(out[..., c], x[..., c])


def test_contrast_math_and_one_factor_per_frame():
    imgs = make_clip(t=5, low=64, high=192)  # no clipping for a <= 1.5
    res = run(ClipContrast(p=1.0), imgs, seed=3)
    a = res['aug_params']['contrast']
    x, y = np.stack(imgs).astype(float), np.stack(res['imgs']).astype(float)
    expected = np.clip(np.rint((x - 127.5) * a + 127.5), 0, 255)
    np.testing.assert_allclose(y, expected, atol=1)
    xc, yc = x - 127.5, y - 127.5  # least-squares factor of each frame
    per_frame = (xc * yc).sum((1, 2, 3)) / (xc * xc).sum((1, 2, 3))
    np.testing.assert_allclose(per_frame, a, atol=5e-3)


def test_brightness_math_and_one_shift_per_frame():
    imgs = make_clip(t=5, low=70, high=185)  # no clipping for |b| <= 0.5
    res = run(ClipBrightness(p=1.0), imgs, seed=4)
    b = res['aug_params']['brightness']
    x, y = np.stack(imgs).astype(float), np.stack(res['imgs']).astype(float)
    np.testing.assert_allclose(
        y, np.clip(np.rint(x + 127.5 * b), 0, 255), atol=1)
    per_frame = (y - x).mean((1, 2, 3)) / 127.5
    np.testing.assert_allclose(per_frame, b, atol=5e-3)


def test_contrast_and_brightness_clamp():
    imgs = [np.array([[[0, 128, 255]]], np.uint8)]
    out = ClipContrast(p=1.0, value_range=(3.0, 3.0))(dict(imgs=imgs))
    np.testing.assert_array_equal(out['imgs'][0], [[[0, 129, 255]]])
    out = ClipBrightness(p=1.0, value_range=(0.5, 0.5))(dict(imgs=imgs))
    np.testing.assert_array_equal(out['imgs'][0], [[[64, 192, 255]]])


def numpy_blur(frame, sigma, ksize=7):
    """Separable Gaussian blur with reflect-101 borders, in float64."""
    r, (h, w) = ksize // 2, frame.shape[:2]
    g = np.exp(-np.arange(-r, r + 1)**2 / (2 * sigma**2))
    g /= g.sum()
    pad = np.pad(frame.astype(float), ((r, r), (r, r), (0, 0)), 'reflect')
    rows = sum(g[i] * pad[i:i + h] for i in range(ksize))
    return sum(g[j] * rows[:, j:j + w] for j in range(ksize))


def test_blur_matches_numpy_reference():
    imgs = make_clip(t=3, h=12, w=10)
    res = run(ClipGaussianBlur(p=1.0), imgs, seed=5)
    sigma = res['aug_params']['blur']
    assert 0.1 <= sigma <= 2.0
    for x, y in zip(imgs, res['imgs']):
        np.testing.assert_allclose(y, np.rint(numpy_blur(x, sigma)), atol=1)


def test_hue_of_pure_red():
    # Red is H=0, S=V=1. Shifting by d < 1/6 keeps H' = 6d (in sixths of
    # the circle) in the red-yellow sector, where R = V = 1, B = V(1-S) = 0
    # and G rises linearly: G = V(1 - S(1 - 6d)) = 6d. So red -> (1, 6d, 0).
    red = np.zeros((2, 3, 3), np.uint8)
    red[..., 0] = 255
    res = run(ClipHue(p=1.0), [red, red], seed=6)
    d = res['aug_params']['hue']
    assert 0 < d < 0.1
    for y in res['imgs']:
        np.testing.assert_allclose(y[..., 0], 255)
        np.testing.assert_allclose(y[..., 1], 255 * 6 * d, atol=1)
        np.testing.assert_allclose(y[..., 2], 0)


def test_hue_matches_colorsys_and_one_shift_per_frame():
    # frame t is one saturated colour of hue t/7, so every frame differs
    imgs = [
        np.full((2, 2, 3),
                np.rint(255 * np.array(colorsys.hsv_to_rgb(t / 7, 1.0, 1.0))),
                np.uint8) for t in range(6)
    ]
    imgs[0] = make_clip(t=1, h=2, w=2)[0]  # and one random frame
    res = run(ClipHue(p=1.0), imgs, seed=7)
    d = res['aug_params']['hue']
    for x, y in zip(imgs, res['imgs']):
        for px, py in zip(x.reshape(-1, 3) / 255, y.reshape(-1, 3)):
            h, s, v = colorsys.rgb_to_hsv(*px)
            ref = 255 * np.array(colorsys.hsv_to_rgb((h + d) % 1, s, v))
            np.testing.assert_allclose(py, ref, atol=1)
    for x, y in zip(imgs[1:], res['imgs'][1:]):  # shift measured per frame
        h_in = colorsys.rgb_to_hsv(*(x[0, 0] / 255))[0]
        h_out = colorsys.rgb_to_hsv(*(y[0, 0] / 255))[0]
        assert abs((h_out - h_in) % 1 - d) < 3e-3


def test_hue_in_place_path_equals_the_plain_formula_bit_for_bit():
    """ClipHue works in place and wraps H by a subtraction; the plain
    formula (OpenCV's float HSV, H + 360 d taken mod 360) must give the
    same float32 values, including hues that wrap past 360 degrees."""
    import cv2
    clip = np.stack(make_clip(t=2, h=32, w=32)).astype(np.float32)
    clip[0, 0, :4] = [[255, 0, 1], [255, 1, 0], [254, 0, 2], [0, 0, 0]]
    for d in [0.0, 1e-7, 0.013, 0.05, 0.0999, 0.1]:
        rgb = (clip / 255.0).astype(np.float32).reshape(-1, 32, 3)
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        hsv[..., 0] = np.mod(hsv[..., 0] + 360.0 * d, 360.0)
        plain = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).reshape(clip.shape)
        plain = np.clip(plain * 255.0, 0, 255)
        before = clip.copy()
        out = ClipHue().apply(clip, d)
        assert out.dtype == np.float32 and np.array_equal(out, plain), d
        assert np.array_equal(clip, before)  # the input is not written


@pytest.mark.parametrize('op,param', [(ClipGaussianBlur(), 0.1),
                                      (ClipGaussianBlur(), 1.7),
                                      (ClipHue(), 0.0),
                                      (ClipHue(), 0.0999)])
def test_apply_owned_works_in_place_with_the_same_bits(op, param):
    """The in-place variant run_clip_ops uses gives apply's float32 values
    exactly, in the buffer it was handed (no new clip-sized array)."""
    clip = np.stack(make_clip(t=3, h=17, w=13)).astype(np.float32)
    expected = op.apply(clip.copy(), param)
    owned = clip.copy()
    out = op.apply_owned(owned, param)
    assert out.dtype == np.float32 and np.array_equal(out, expected)
    assert np.shares_memory(out, owned)


def test_unstack_clip_clamps_and_rounds_half_to_even():
    """Hand-checked values: out-of-range ones saturate, halves go to the
    even neighbour (numpy's and OpenCV's rounding), and the output frames
    are uint8 copies, whatever became of the float buffer."""
    from mmskd.datasets.transforms.clip_base import unstack_clip
    values = [-7.0, -0.5, 0.49, 0.5, 1.5, 2.5, 126.5, 254.5, 255.4, 300.0]
    expected = [0, 0, 0, 0, 2, 2, 126, 254, 255, 255]
    clip = np.array(values * 3, np.float32).reshape(1, 1, 10, 3, order='F')
    frames = unstack_clip(clip)
    assert len(frames) == 1 and frames[0].dtype == np.uint8
    assert frames[0][0, :, 0].tolist() == expected
    clip[:] = 99.0  # the returned frames do not share its memory
    assert frames[0][0, :, 2].tolist() == expected


def test_composite_applies_ops_in_paper_order():
    imgs = make_clip(t=3, h=16, w=16)
    composite = run(SKDClipAugment(p=1.0), imgs, seed=8)
    np.random.seed(8)
    chain = dict(imgs=imgs)
    for op in OPS:  # flip, channel split, contrast, brightness, blur, hue
        chain = op(p=1.0)(chain)
    assert list(composite['aug_params']) == list(DEFAULT_OPS)
    assert composite['aug_params'] == chain['aug_params']
    diff = np.abs(
        np.stack(composite['imgs']).astype(int) - np.stack(chain['imgs']))
    assert diff.max() <= 2  # the chain rounds to uint8 after every op


def test_composite_subset_deterministic_and_built_from_registry():
    imgs = make_clip()
    aug = TRANSFORMS.build(
        dict(
            type='SKDClipAugment',
            p=1.0,
            ops=('contrast', ),
            contrast_range=(0.5, 0.6)))
    out = run(aug, imgs, seed=9)
    ref = run(ClipContrast(p=1.0, value_range=(0.5, 0.6)), imgs, seed=9)
    assert out['aug_params'] == ref['aug_params']
    assert 0.5 <= out['aug_params']['contrast'] <= 0.6
    assert all(np.array_equal(a, b) for a, b in zip(out['imgs'], ref['imgs']))
    again = run(SKDClipAugment(), imgs, seed=10)
    for a, b in zip(
            run(SKDClipAugment(), imgs, seed=10)['imgs'], again['imgs']):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize('build', [
    lambda: ClipFlip(p=1.5),
    lambda: ClipContrast(value_range=(1.5, 0.5)),
    lambda: ClipGaussianBlur(kernel_size=6),
    lambda: ClipGaussianBlur(sigma_range=(0.0, 1.0)),
    lambda: SKDClipAugment(ops=('flip', 'solarize')),
    lambda: SKDClipAugment(ops=('flip', 'flip')),
])
def test_bad_arguments_raise(build):
    with pytest.raises(ValueError):
        build()


def float_reference(ops, aug_params, imgs):
    """The plain path: stack to float32, every applied op in order, round."""
    clip = np.stack(imgs).astype(np.float32)
    for op in ops:
        if aug_params[op.name] is not None:
            clip = op.apply(clip, aug_params[op.name])
    return list(np.rint(np.clip(clip, 0, 255)).astype(np.uint8))


@pytest.mark.parametrize('ops', [
    DEFAULT_OPS,
    DEFAULT_OPS[::-1],
    ('contrast', 'flip', 'brightness', 'hue', 'channel_split'),
    ('blur', 'contrast', 'brightness'),
    ('brightness', 'contrast'),
    ('flip', 'channel_split'),
])
@pytest.mark.parametrize('p', [0.5, 1.0])
def test_uint8_and_table_path_is_bit_identical_to_float_path(ops, p):
    """run_clip_ops keeps the clip uint8 and folds contrast/brightness into
    a 256-entry table; whatever the order of the ops, its frames must equal
    the float32 path's bit for bit (every value 0..255 occurs)."""
    imgs = make_clip(t=3, h=16, w=17)
    imgs[0][0, :16, 0] = np.arange(0, 256, 16)  # both ends of the range
    imgs[0][1, :, 1] = 255
    transform = SKDClipAugment(p=p, ops=ops)
    plain = SKDClipAugment(p=p, ops=ops, uint8_path=False)
    for seed in range(12):
        out = run(transform, imgs, seed)
        expected = float_reference(transform.ops, out['aug_params'], imgs)
        assert all(np.array_equal(a, b)
                   for a, b in zip(out['imgs'], expected)), (seed,
                                                             out['aug_params'])
        switched = run(plain, imgs, seed)  # the benchmark's float variant
        assert switched['aug_params'] == out['aug_params']
        assert all(np.array_equal(a, b)
                   for a, b in zip(switched['imgs'], expected))
        if any(v is not None for v in out['aug_params'].values()):
            assert not any(np.shares_memory(a, b)
                           for a in out['imgs'] for b in imgs)
