"""Two-view wrapper on real encoded video (METHOD.md section 2)."""
import av
import numpy as np
import pytest
import torch
from mmaction.datasets.transforms import DecordInit, Resize
from mmaction.models import ActionDataPreprocessor
from mmcv.transforms import Compose
from mmengine.dataset import pseudo_collate

from mmskd.datasets.transforms import DecodedFrames, TwoViewSample

T, SHORT_SIDE, CROP = 8, 64, 56


def write_video(path, num_frames, h=96, w=128):
    """H.264 clip: R and B are x/y ramps, G encodes the frame index."""
    container = av.open(str(path), 'w')
    stream = container.add_stream('libx264', rate=25)
    stream.width, stream.height, stream.pix_fmt = w, h, 'yuv420p'
    stream.options = {'crf': '10', 'g': '10'}
    y, x = np.mgrid[:h, :w]
    for i in range(num_frames):
        rgb = np.stack([2 * x, np.full_like(x, 30 + 5 * i), 2 * y], -1)
        frame = av.VideoFrame.from_ndarray(rgb.astype(np.uint8), 'rgb24')
        container.mux(stream.encode(frame))
    container.mux(stream.encode())
    container.close()
    return str(path)


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('videos')
    return dict(
        long=write_video(root / 'long.mp4', 40),
        short=write_video(root / 'short.mp4', 5))


def view_pipeline(augment=True, format_shape=True):
    return [
        dict(type='SampleFrames', clip_len=T, frame_interval=1, num_clips=1),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(-1, SHORT_SIDE)),
        dict(type='RandomCrop', size=CROP),
        *([dict(type='SKDClipAugment')] if augment else []),
        *([dict(type='FormatShape', input_format='NCTHW')]
          if format_shape else []),
    ]


def opened(path, label=3):
    return DecordInit()(dict(filename=path, start_index=0, label=label))


def sample(path, seed=0, **kwargs):
    kwargs.setdefault('view_pipeline', view_pipeline())
    np.random.seed(seed)
    return TwoViewSample(**kwargs)(opened(path))


class CountingReader:
    """Wraps a decord VideoReader and counts its get_batch calls."""

    def __init__(self, reader):
        self.reader, self.calls = reader, 0

    def __len__(self):
        return len(self.reader)

    def get_batch(self, inds):
        self.calls += 1
        return self.reader.get_batch(inds)


def reference_view(path, frame_inds, crop_bbox):
    """Decode one view directly and crop it where the wrapper says."""
    frames = opened(path)['video_reader'].get_batch(frame_inds).asnumpy()
    resized = Resize(scale=(-1, SHORT_SIDE))(dict(
        imgs=list(frames), img_shape=frames.shape[1:3]))['imgs']
    x1, y1, x2, y2 = crop_bbox
    clip = np.stack([f[y1:y2, x1:x2] for f in resized])  # [T, H, W, 3]
    return clip.transpose(3, 0, 1, 2)  # [C, T, H, W]


def test_views_are_independent_clips_with_their_own_crops(videos):
    res = sample(videos['long'], view_pipeline=view_pipeline(augment=False))
    assert res['imgs'].shape == (2, 3, T, CROP, CROP)
    assert res['imgs'].dtype == np.uint8 and res['num_clips'] == 2
    inds, boxes = res['view_frame_inds'], res['view_crop_bboxes']
    assert not np.array_equal(inds[0], inds[1])
    assert not np.array_equal(boxes[0], boxes[1])
    for view, (i, box) in enumerate(zip(inds, boxes)):
        np.testing.assert_array_equal(np.diff(i), 1)  # consecutive frames
        np.testing.assert_array_equal(res['imgs'][view],
                                      reference_view(videos['long'], i, box))
    green = res['imgs'][:, 1].mean((2, 3))  # [views, T]: G encodes index
    np.testing.assert_array_equal(np.rint((green - 30) / 5), inds)
    assert res['video_reader'] is None


def test_views_draw_their_own_augmentation(videos):
    res = sample(videos['long'], seed=1)
    assert res['imgs'].shape == (2, 3, T, CROP, CROP)
    params = res['view_aug_params']
    assert len(params) == 2 and params[0] != params[1]
    assert 'aug_params' not in res and 'crop_bbox' not in res


def test_deterministic_under_a_seed(videos):
    from mmengine.runner import set_random_seed
    outs = []
    for _ in range(2):
        set_random_seed(123)
        outs.append(TwoViewSample(view_pipeline())(opened(videos['long'])))
    np.testing.assert_array_equal(outs[0]['imgs'], outs[1]['imgs'])
    np.testing.assert_array_equal(outs[0]['frame_inds'], outs[1]['frame_inds'])
    assert outs[0]['view_aug_params'] == outs[1]['view_aug_params']
    other = sample(videos['long'], seed=124)
    assert not np.array_equal(other['imgs'], outs[0]['imgs'])


@pytest.mark.parametrize('decode_once,calls', [(True, 1), (False, 2)])
def test_decodes_once_per_sample(videos, decode_once, calls):
    results = opened(videos['long'])
    results['video_reader'] = reader = CountingReader(results['video_reader'])
    np.random.seed(2)
    res = TwoViewSample(view_pipeline(), decode_once=decode_once)(results)
    assert reader.calls == calls
    plain = sample(videos['long'], seed=2, decode_once=not decode_once)
    np.testing.assert_array_equal(res['imgs'], plain['imgs'])


def test_decoded_frames_match_the_reader_and_never_share_a_frame(videos):
    reader = opened(videos['long'])['video_reader']
    apart, overlap = np.arange(2, 10), np.arange(6, 14)
    far = np.arange(30, 38)
    frames = DecodedFrames(reader, [apart, far])
    for inds in (apart, far):
        got = frames.get_batch(inds).asnumpy()
        np.testing.assert_array_equal(got, reader.get_batch(inds).asnumpy())
        assert np.shares_memory(got, frames.frames)  # private run: no copy
    frames = DecodedFrames(reader, [apart, overlap])
    first = frames.get_batch(apart).asnumpy()
    second = frames.get_batch(overlap).asnumpy()
    assert not np.shares_memory(first, second)  # shared frames are copied
    second[:] = 0  # an in-place transform on one view
    np.testing.assert_array_equal(first,
                                  reader.get_batch(apart).asnumpy())
    with pytest.raises(KeyError, match='not all decoded'):
        frames.get_batch(far)


def test_non_overlapping_clips_are_ordered_and_disjoint(videos):
    pipeline = view_pipeline(augment=False)
    overlapped = unordered = False
    for seed in range(20):
        res = sample(
            videos['long'], seed, view_pipeline=pipeline, non_overlapping=True)
        first, second = res['view_frame_inds']
        np.testing.assert_array_equal(np.diff(first), 1)
        np.testing.assert_array_equal(np.diff(second), 1)
        assert first[-1] < second[0] and second[-1] < 40
        box = res['view_crop_bboxes'][1]
        np.testing.assert_array_equal(
            res['imgs'][1], reference_view(videos['long'], second, box))
        free = sample(videos['long'], seed, view_pipeline=pipeline)
        first, second = free['view_frame_inds']
        overlapped |= bool(set(first) & set(second))
        unordered |= bool(first[0] > second[0])
    assert overlapped and unordered  # the default draws starts freely


@pytest.mark.parametrize('non_overlapping', [False, True])
def test_short_video_loop_pads(videos, non_overlapping):
    res = sample(
        videos['short'],
        view_pipeline=view_pipeline(False),
        non_overlapping=non_overlapping)
    expected = np.arange(T) % 5  # 5 frames, T = 8: loop as SampleFrames
    for inds in res['view_frame_inds']:
        np.testing.assert_array_equal(inds, expected)
    assert res['imgs'].shape == (2, 3, T, CROP, CROP)


def test_frame_lists_merge_like_formatted_views(videos):
    inner = sample(videos['long'], seed=5)
    outer = sample(
        videos['long'],
        seed=5,
        view_pipeline=view_pipeline(format_shape=False))
    assert len(outer['imgs']) == 2 * T and outer['num_clips'] == 2
    outer = Compose([dict(type='FormatShape', input_format='NCTHW')])(outer)
    np.testing.assert_array_equal(outer['imgs'], inner['imgs'])


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match='num_views'):
        TwoViewSample(view_pipeline(), num_views=0)
    pipeline = view_pipeline()
    pipeline[0] = dict(pipeline[0], num_clips=2)
    with pytest.raises(ValueError, match='non_overlapping'):
        TwoViewSample(pipeline, non_overlapping=True)


def test_train_pipeline_to_data_preprocessor(videos):
    pipeline = Compose([
        dict(type='DecordInit'),
        dict(type='TwoViewSample', view_pipeline=view_pipeline()),
        dict(type='PackActionInputs'),
    ])
    np.random.seed(6)
    batch = pseudo_collate([
        pipeline(dict(filename=videos['long'], start_index=0, label=label))
        for label in (1, 4)
    ])
    preprocessor = ActionDataPreprocessor(
        mean=[127.5] * 3, std=[127.5] * 3, format_shape='NCTHW')
    data = preprocessor(batch, training=True)
    inputs = data['inputs']
    assert inputs.shape == (2, 2, 3, T, CROP, CROP)  # [N, views, C, T, H, W]
    assert inputs.dtype == torch.float32
    assert inputs.min() >= -1 and inputs.max() <= 1
    assert inputs.min() < -0.5 and inputs.max() > 0.5
    labels = [int(s.gt_labels.item) for s in data['data_samples']]
    assert labels == [1, 4]


def test_augment_in_a_stock_single_view_pipeline(videos):

    def build(p):
        return Compose([
            dict(type='DecordInit'),
            dict(type='SampleFrames', clip_len=T, num_clips=1),
            dict(type='DecordDecode'),
            dict(type='Resize', scale=(-1, SHORT_SIDE)),
            dict(type='RandomCrop', size=CROP),
            dict(type='SKDClipAugment', p=p),
            dict(type='FormatShape', input_format='NCTHW'),
            dict(type='PackActionInputs', meta_keys=('aug_params', )),
        ])

    outs = []
    for p in (0.0, 1.0):
        np.random.seed(7)
        outs.append(build(p)(dict(filename=videos['long'], start_index=0)))
    plain, augmented = outs
    assert augmented['inputs'].shape == (1, 3, T, CROP, CROP)
    assert augmented['inputs'].dtype == torch.uint8
    assert not torch.equal(plain['inputs'], augmented['inputs'])
    params = augmented['data_samples'].metainfo['aug_params']
    assert all(v is not None for v in params.values())
