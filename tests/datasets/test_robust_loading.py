"""RobustVideoDataset, DecodeFailureHook and RobustAccMetric on truly broken
files: a truncated mp4, a zero-byte file, a text file named .mp4, a video
shorter than one clip, a missing path and a label out of range."""
import logging
from types import SimpleNamespace

import av
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.logging import MMLogger

# Imported explicitly: these modules register the dataset, metric and hook
# used by type name in the Runner test below.
from mmskd.datasets.robust_acc_metric import RobustAccMetric
from mmskd.datasets.robust_video_dataset import RobustVideoDataset
from mmskd.engine.hooks import DecodeFailureHook

BROKEN = ['truncated.mp4', 'zero.mp4', 'text.mp4']


def write_video(path, frames=24, size=64):
    with av.open(str(path), 'w') as container:
        stream = container.add_stream('libx264', rate=25)
        stream.width = stream.height = size
        stream.pix_fmt = 'yuv420p'
        for i in range(frames):
            image = np.full((size, size, 3), (i * 9) % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format='rgb24')
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('videos')
    for i in range(6):
        write_video(root / f'good{i}.mp4')
    write_video(root / 'short.mp4', frames=2)  # shorter than one clip
    data = (root / 'good0.mp4').read_bytes()
    (root / 'truncated.mp4').write_bytes(data[:len(data) // 2])
    (root / 'zero.mp4').write_bytes(b'')
    (root / 'text.mp4').write_text('this is not a video\n')
    return root


def pipeline(test_mode=False):
    return [
        dict(type='DecordInit'),
        dict(
            type='SampleFrames',
            clip_len=4,
            frame_interval=1,
            num_clips=1,
            test_mode=test_mode),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(32, 32), keep_ratio=False),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]


def make(root, names, test_mode=False, **kwargs):
    ann = root.parent / f'{root.name}_{len(names)}_{test_mode}.txt'
    ann.write_text(''.join(f'{n} {i % 3}\n' for i, n in enumerate(names)))
    return RobustVideoDataset(
        str(ann),
        pipeline(test_mode),
        data_prefix=dict(video=str(root)),
        num_classes=3,
        test_mode=test_mode,
        **kwargs)


class Capture(logging.Handler):
    """Collects the current MMLogger's messages."""

    def __enter__(self):
        self.messages = []
        MMLogger.get_current_instance().addHandler(self)
        return self

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __exit__(self, *exc):
        MMLogger.get_current_instance().removeHandler(self)


def test_prechecks_name_the_problem(tmp_path, videos):
    with pytest.raises(FileNotFoundError, match='annotation file not found'):
        RobustVideoDataset(str(tmp_path / 'nope.txt'), [])
    (tmp_path / 'empty.txt').write_text('\n')
    with pytest.raises(ValueError, match='empty.txt'):
        RobustVideoDataset(str(tmp_path / 'empty.txt'), [])
    (tmp_path / 'a.txt').write_text('good0.mp4 0\n')
    with pytest.raises(FileNotFoundError, match=r"\['video'\] folder not "):
        RobustVideoDataset(
            str(tmp_path / 'a.txt'), [],
            data_prefix=dict(video=str(tmp_path / 'x')))
    with pytest.raises(
            FileNotFoundError,
            match=r'2 of 3 videos .* do not exist.*gone1.mp4'):
        make(videos, ['good0.mp4', 'gone1.mp4', 'gone2.mp4'])
    (tmp_path / 'b.txt').write_text('good0.mp4 0\ngood1.mp4 1\ngood2.mp4 3\n')
    with pytest.raises(ValueError, match=r'b.txt:3: label 3 outside \[0, 3'):
        RobustVideoDataset(
            str(tmp_path / 'b.txt'), [],
            num_classes=3,
            data_prefix=dict(video=str(videos)))


def test_training_substitutes_and_counts_failures(videos):
    names = [f'good{i}.mp4' for i in range(6)] + ['short.mp4'] + BROKEN
    dataset = make(videos, names, max_failure_rate=0.5)
    with Capture() as log:
        samples = [dataset[i] for i in range(len(dataset))]
    assert all(s['inputs'].shape == (1, 3, 4, 32, 32) for s in samples)
    metas = [s['data_samples'].metainfo for s in samples]
    for name, meta in zip(names, metas):
        broken = name in BROKEN
        assert meta['substituted_from'].endswith(name) == broken
        assert [f.split('/')[-1] for f in meta['decode_failures']][:1] == \
            ([name] if broken else [])
    assert sorted(dataset._name(i).split('/')[-1]
                  for i in dataset.failures) == sorted(BROKEN)
    for name in BROKEN:  # each broken file is logged once
        assert sum(name in m for m in log.messages) == 1


def test_training_aborts_above_failure_rate(videos):
    dataset = make(videos, [f'good{i}.mp4' for i in range(6)] + BROKEN[:1])
    with pytest.raises(
            RuntimeError,
            match=r'1 of 7 videos \(14.3%\).*'
            r'max_failure_rate=0.05.*truncated.mp4'):
        dataset[6]


def _batch(*failures):
    samples = []
    for failed in failures:
        sample = ActionDataSample()
        sample.set_metainfo(dict(decode_failures=failed))
        samples.append(sample)
    return dict(inputs=[], data_samples=samples)


def test_hook_reports_and_aborts():
    logger = MMLogger.get_current_instance()
    runner = SimpleNamespace(epoch=0, logger=logger)
    hook = DecodeFailureHook(max_failure_rate=0.3)
    hook.before_train_epoch(runner)
    hook.after_train_iter(runner, 0, _batch([], ['/v/bad.mp4']))
    hook.after_train_iter(runner, 1, _batch([], []))
    with Capture() as log:
        hook.after_train_epoch(runner)  # 1 / 4 = 25%: logged, no abort
    assert 'bad.mp4' in log.messages[0] and '1 failed' in log.messages[0]
    hook.before_train_epoch(runner)
    hook.after_train_iter(runner, 0, _batch(['/v/a.mp4', '/v/b.mp4'], []))
    with pytest.raises(
            RuntimeError,
            match=r'2 failed video loads for 2 '
            r'samples \(100.0%\).*max_failure_rate=0.3'):
        hook.after_train_epoch(runner)


def test_test_mode_marks_failures_and_metric_excludes_them(videos):
    names = ['good0.mp4', 'zero.mp4', 'good1.mp4', 'text.mp4']
    dataset = make(videos, names, test_mode=True)
    samples = [dataset[i] for i in range(len(dataset))]
    assert all(s['inputs'].shape == (1, 3, 4, 32, 32) for s in samples)
    metric = RobustAccMetric(
        metric_options=dict(top_k_accuracy=dict(topk=(1, ))))
    outputs = []
    for i, sample in enumerate(samples):
        data_sample = sample['data_samples']
        # Predict every good video right (label i % 3).
        data_sample.set_pred_score(torch.eye(3)[i % 3])
        outputs.append(data_sample.to_dict())
    assert [o['decode_failed'] for o in outputs] == [0, 1, 0, 1]
    metric.process(None, outputs)
    with Capture() as log:
        result = metric.compute_metrics(metric.results)
    assert result['top1'] == 1.0 and result['decode_failed'] == 2
    assert any(
        '2 of 4 evaluation videos' in m and 'zero.mp4' in m and 'text.mp4' in m
        for m in log.messages)


TINY_MODEL = dict(
    type='Recognizer3D',
    # base_channels=8 keeps Hara's R3D-18 layout at 1/64 of the weights.
    backbone=dict(type='ResNet3dHara', depth=18, base_channels=8),
    cls_head=dict(
        type='I3DHead', num_classes=3, in_channels=64, average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[127.5] * 3,
        std=[127.5] * 3,
        format_shape='NCTHW'))


def _loader(ann, root, test_mode, **dataset_kwargs):
    return dict(
        batch_size=2,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=not test_mode),
        dataset=dict(
            type='RobustVideoDataset',
            ann_file=str(ann),
            data_prefix=dict(video=str(root)),
            num_classes=3,
            pipeline=pipeline(test_mode),
            test_mode=test_mode,
            **dataset_kwargs))


@pytest.mark.slow
def test_runner_epoch_with_broken_videos(tmp_path, videos):
    from mmengine.runner import Runner
    train = tmp_path / 'train.txt'
    train.write_text(''.join(f'good{i}.mp4 {i % 3}\n' for i in range(5)) +
                     'truncated.mp4 1\n')  # 3 full batches: BN needs 2
    val = tmp_path / 'val.txt'
    val.write_text('good4.mp4 0\nzero.mp4 1\ngood5.mp4 2\n')
    runner = Runner(
        model=TINY_MODEL,
        work_dir=str(tmp_path / 'work'),
        train_dataloader=_loader(train, videos, False, max_failure_rate=0.5),
        train_cfg=dict(by_epoch=True, max_epochs=1, val_interval=1),
        val_dataloader=_loader(val, videos, True),
        val_cfg=dict(),
        val_evaluator=dict(type='RobustAccMetric'),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1),
            logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=[dict(type='DecodeFailureHook', max_failure_rate=0.5)],
        default_scope='mmaction',
        randomness=dict(seed=0))
    runner.train()
    checkpoint = torch.load(
        str(tmp_path / 'work' / 'epoch_1.pth'), map_location='cpu')
    assert checkpoint['meta']['epoch'] == 1
    assert 'backbone.conv1.conv.weight' in checkpoint['state_dict']
    log = next((tmp_path / 'work').glob('*/*.log')).read_text()
    assert 'cannot load' in log and 'truncated.mp4' in log
    assert '1 failed video loads for 6 samples' in log
    assert 'excluded from the metrics' in log and 'zero.mp4' in log
    assert 'acc/decode_failed: 1' in log


def test_class_names_from_a_file_or_a_warning(tmp_path, videos):
    ann = tmp_path / 'list.txt'
    ann.write_text('good0.mp4 0\ngood1.mp4 2\n')
    names = tmp_path / 'classes.txt'
    names.write_text('walk\nrun\njump\n')

    def build(classes, num_classes=3):
        return RobustVideoDataset(
            ann_file=str(ann), data_prefix=dict(video=str(videos)),
            pipeline=[], num_classes=num_classes,
            metainfo=dict(classes=classes))

    assert list(build(str(names)).metainfo['classes']) == [
        'walk', 'run', 'jump']
    logger = MMLogger.get_current_instance()
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    try:
        missing = build(str(tmp_path / 'nope.txt'))
        wrong = build(str(names), num_classes=5)
    finally:
        logger.removeHandler(handler)
    assert 'classes' not in missing.metainfo
    assert 'classes' not in wrong.metainfo
    text = ' | '.join(r.getMessage() for r in records)
    assert f'class names file not found: {tmp_path / "nope.txt"}' in text
    assert 'metainfo.classes has 3 names, num_classes is 5' in text
