"""SKD-SRL's clip augmentation on the training device against the CPU
transform: the same pixels for the same parameters (within one grey level),
and parameters drawn from the same distributions."""
import numpy as np
import pytest
import torch
from scipy import stats

from conftest import real_clips_dir
from mmskd.datasets.transforms import SKDClipAugment
from mmskd.datasets.transforms.clip_base import run_clip_ops
from mmskd.models.data_preprocessors import (BatchClipAugment,
                                             SKDActionDataPreprocessor)

OPS = ('flip', 'channel_split', 'contrast', 'brightness', 'blur', 'hue')


def _clips():
    """[B, T, H, W, 3] uint8: real frames (a UCF101 clip, colour) and noise."""
    import decord
    path = real_clips_dir('ucf101_mini') / 'videos' / 'Basketball'
    video = sorted(path.iterdir())[0]
    frames = decord.VideoReader(str(video)).get_batch(list(range(8)))
    real = frames.asnumpy()[:, 60:116, 100:156]  # [8, 56, 56, 3]
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (8, 56, 56, 3), dtype=np.uint8)
    return np.stack([real, real[:, ::-1], noise, 255 - real])


def _cpu(clip, params, b):
    """The CPU transform's ops, in order, with the device's parameters."""
    aug = SKDClipAugment(p=1.0)
    steps = []
    for op in aug.ops:
        applied, value = params[op.name]
        if not applied[b]:
            continue
        value = value[b]
        param = tuple(int(v) for v in value) if op.name == 'channel_split' \
            else True if op.name == 'flip' else float(value)
        steps.append((op, param))
    return np.stack(run_clip_ops(list(clip), steps))


@pytest.mark.parametrize('ops', [(op, ) for op in OPS] + [OPS])
def test_same_parameters_same_pixels_within_one_level(ops):
    clips = _clips()  # [B, T, H, W, 3]
    b = len(clips)
    device = BatchClipAugment(p=0.5, ops=ops)
    x = torch.from_numpy(clips).permute(0, 4, 1, 2, 3)  # [B, 3, T, H, W]
    for seed in range(6):
        g = torch.Generator().manual_seed(seed)
        params = device.draw(b, torch.device('cpu'), g)
        if seed == 0:  # every op on every clip once
            params = {k: (torch.ones(b, dtype=torch.bool), v)
                      for k, (_, v) in params.items()}
        out = device(x, params).permute(0, 2, 3, 4, 1).numpy()
        full = {op: params.get(op, (torch.zeros(b, dtype=torch.bool), None))
                for op in OPS}
        for i in range(b):
            cpu = _cpu(clips[i], full, i).astype(np.int16)
            diff = np.abs(out[i].astype(np.int16) - cpu)
            assert diff.max() <= 1, (ops, seed, i, diff.max())
            # almost every pixel is exactly the CPU's
            assert (diff == 0).mean() > 0.95, (ops, seed, i)


def test_parameter_distributions_match_the_cpu_transform():
    """Two-sample tests between 4000 CPU draws and 4000 device draws: the
    apply rate of each op, each op's value distribution, and channel
    split's channel pairs. A wrong range or probability fails them."""
    n = 4000
    np.random.seed(0)
    cpu = SKDClipAugment(p=0.5)
    cpu_draws = [[op.draw() for op in cpu.ops] for _ in range(n)]
    dev = BatchClipAugment(p=0.5).draw(n, torch.device('cpu'),
                                       torch.Generator().manual_seed(0))
    for k, name in enumerate(OPS):
        c_applied = np.array([d[k] is not None for d in cpu_draws])
        d_applied = dev[name][0].numpy()
        table = [[c_applied.sum(), n - c_applied.sum()],
                 [d_applied.sum(), n - d_applied.sum()]]
        assert stats.chi2_contingency(table).pvalue > 1e-3, name
        if name in ('flip', 'channel_split'):
            continue
        c_values = [d[k] for d in cpu_draws if d[k] is not None]
        d_values = dev[name][1].numpy()
        assert stats.ks_2samp(c_values, d_values).pvalue > 1e-3, name
        low, high = BatchClipAugment().ranges[name]
        assert d_values.min() >= low and d_values.max() <= high
    pairs = np.zeros((2, 9))
    for d in cpu_draws:
        c1, c2 = d[1] or (None, None)
        if c1 is not None:
            pairs[0, 3 * c1 + c2] += 1
    for c1, c2 in dev['channel_split'][1].tolist():
        pairs[1, 3 * c1 + c2] += 1
    assert stats.chi2_contingency(pairs).pvalue > 1e-3
    # and the test can fail: a device drawing contrast from (0.5, 1.0)
    narrow = BatchClipAugment(contrast_range=(0.5, 1.0)).draw(
        n, torch.device('cpu'), torch.Generator().manual_seed(1))
    c_values = [d[2] for d in cpu_draws if d[2] is not None]
    assert stats.ks_2samp(c_values, narrow['contrast'][1].numpy()).pvalue \
        < 1e-6


def test_preprocessor_augments_each_view_in_training_only():
    pre = SKDActionDataPreprocessor(mean=[127.5] * 3, std=[127.5] * 3,
                                    format_shape='NCTHW',
                                    augment=dict(p=1.0, ops=('brightness', )))
    clip = torch.full((1, 3, 4, 8, 8), 100, dtype=torch.uint8)
    data = dict(inputs=[torch.cat([clip, clip])] * 3, data_samples=[None] * 3)
    torch.manual_seed(0)
    train = pre(dict(data), training=True)['inputs']  # [3, 2, 3, 4, 8, 8]
    assert train.shape == (3, 2, 3, 4, 8, 8)
    levels = (train * 127.5 + 127.5).round()[:, :, 0, 0, 0, 0]  # [3, 2]
    # each clip shifted by its own brightness: 6 different clips
    assert len(set(levels.flatten().tolist())) == 6
    per_clip = (train * 127.5 + 127.5).round().flatten(2)
    assert (per_clip == per_clip[..., :1]).all()  # one value per clip
    plain = pre(dict(data), training=False)['inputs']
    torch.testing.assert_close(plain, torch.full_like(plain,
                                                      (100 - 127.5) / 127.5))
