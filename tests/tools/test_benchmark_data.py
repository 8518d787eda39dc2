"""The data benchmark's machinery on tiny generated videos (no timing
thresholds: its figures come from the script, on the real machine)."""
import json
import math

import decord
import numpy as np
import pytest
from mmengine.config import Config

from conftest import REPO_ROOT
from mmskd.benchmarks import data as db
from helpers.tools import load_tool

CONFIG = str(REPO_ROOT / 'configs/skd_srl/r18_ucf101.py')


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('bench_videos')
    return db.make_test_videos(str(root), 2, num_frames=24, size=(80, 60),
                               gops=(6, 24))


@pytest.fixture(scope='module')
def train_pipeline():
    return Config.fromfile(CONFIG).train_dataloader.dataset.pipeline


def test_generated_videos_have_the_asked_keyframe_interval(videos):
    keys = []
    for path in videos:
        reader = decord.VideoReader(path)
        assert len(reader) == 24 and reader[0].shape == (60, 80, 3)
        keys.append(list(reader.get_key_indices()))
    assert keys == [[0, 6, 12, 18], [0]]


def test_pipelines_from_config(train_pipeline):
    before = str(train_pipeline)
    pipes = db.pipelines_from_config(train_pipeline)
    assert str(train_pipeline) == before  # not modified
    assert set(pipes) == {'two_view', 'two_view_flip', 'two_view_float_aug',
                          'two_view_decode_twice', 'single_view'}
    stock = pipes['single_view']
    assert [s['type'] for s in stock] == [
        'DecordInit', 'SampleFrames', 'DecordDecode', 'Resize', 'RandomCrop',
        'Flip', 'FormatShape', 'PackActionInputs'
    ]
    view = {s['type']: s for s in train_pipeline[1]['view_pipeline']}
    for step in stock[1], stock[3], stock[4]:
        assert step == view[step['type']]  # same clip length and sizes
    assert pipes['two_view'] == list(train_pipeline)
    flip_view = [s['type'] for s in pipes['two_view_flip'][1]['view_pipeline']]
    assert 'SKDClipAugment' not in flip_view and 'Flip' in flip_view
    float_aug = [s for s in pipes['two_view_float_aug'][1]['view_pipeline']
                 if s['type'] == 'SKDClipAugment']
    assert float_aug == [dict(view['SKDClipAugment'], uint8_path=False)]
    assert 'uint8_path' not in view['SKDClipAugment']
    assert pipes['two_view_decode_twice'][1]['decode_once'] is False
    with pytest.raises(ValueError, match='TwoViewSample'):
        db.pipelines_from_config(stock)


def test_time_pipelines_interleaves_and_seeds_alike(videos):
    calls = []

    def recorder(name):
        def pipeline(results):
            calls.append((name, results['filename'], np.random.rand()))
        return pipeline

    times = db.time_pipelines({'a': recorder('a'), 'b': recorder('b')},
                              videos, repeats=2)
    assert times['a'].shape == times['b'].shape == (2, 2)
    calls = calls[2:]  # after one warm-up call each
    # video by video; the pipeline that goes first alternates
    assert [c[:2] for c in calls] == [
        ('a', videos[0]), ('b', videos[0]), ('b', videos[1]), ('a', videos[1]),
        ('a', videos[0]), ('b', videos[0]), ('b', videos[1]), ('a', videos[1])]
    draws_a = [c[2] for c in calls if c[0] == 'a']
    draws_b = [c[2] for c in calls if c[0] == 'b']
    assert draws_a == draws_b
    assert len(set(draws_a)) == 4  # a new seed per sample


def test_summary_arithmetic():
    times = dict(two_view=np.full((2, 3), 0.030),
                 two_view_flip=np.full((2, 3), 0.020),
                 single_view=np.array([[0.010, 0.020, 0.030]] * 2))
    out = db.summarize(times)
    assert out['ratio'] == pytest.approx(1.5)
    assert out['two_view_samples_per_s'] == pytest.approx(1 / 0.030)
    assert out['single_view_samples_per_s'] == pytest.approx(1 / 0.020)
    assert out['ratio_two_view_flip'] == pytest.approx(1.0)
    assert out['single_view_ms'] == pytest.approx(20.0)


def test_workers_needed():
    assert db.workers_needed(32, 0.040, 0.5) == math.ceil(32 * 0.04 / 0.5)
    assert db.workers_needed(32, 0.040, 0.32) == 4  # exactly 4 batches' work
    assert db.workers_needed(2, 0.001, 10.0) == 1
    with pytest.raises(ValueError, match='step_s'):
        db.workers_needed(32, 0.04, 0.0)


def test_step_breakdown_splits_the_views(videos, train_pipeline):
    ms = db.step_breakdown(train_pipeline, videos)
    assert {'DecordInit', 'TwoViewSample', 'view:DecordDecode', 'view:Resize',
            'view:SKDClipAugment', 'PackActionInputs'} <= set(ms)
    assert all(v >= 0 for v in ms.values())


def test_tool_end_to_end(videos, tmp_path, capsys):
    ann = tmp_path / 'ann.txt'
    ann.write_text(''.join(f'{p} 0\n' for p in videos))
    tool = load_tool(REPO_ROOT / 'tools/analysis/benchmark_data.py')
    tool.main([CONFIG, '--ann-file', str(ann), '--data-prefix', '',
               '--repeats', '1', '--step-s', '0.5'])
    out = capsys.readouterr().out.strip().splitlines()
    result = json.loads(out[-1])
    assert result['videos'] == 2 and result['video_source'] == 'ann'
    assert result['ratio'] == pytest.approx(
        result['two_view_ms'] / result['single_view_ms'], rel=1e-3)
    assert result['two_view_samples_per_s'] == pytest.approx(
        1e3 / result['two_view_ms'], rel=1e-3)
    assert result['workers_needed'] == math.ceil(
        32 * result['two_view_ms'] / 1e3 / 0.5)
    assert any(line.startswith('| gop6_0.mp4 | 24 | 6 |') for line in out)
