"""The feeding benchmark end to end on the CPU with a tiny model: the real
loader feeds the real training step; the figures add up."""
import json

import pytest
from mmengine.config import Config

from conftest import REPO_ROOT
from helpers.tiny_run import _shrink_pipeline
from helpers.videos import make_video_set
from mmskd.benchmarks.feeding import feed
from helpers.tools import load_tool

TINY = ['model.backbone.base_channels=4', 'model.cls_head.in_channels=32',
        'train_dataloader.batch_size=2']


def _cli():
    module = load_tool(REPO_ROOT / 'tools/analysis/benchmark_feeding.py')
    return module


@pytest.mark.slow
def test_cli_generates_videos_and_reports_every_measurement(tmp_path,
                                                            capsys):
    out = tmp_path / 'r.json'
    assert _cli().main([
        '--device', 'cpu', '--workers', '0', '1', '--iterations', '2',
        '--warmup', '1', '--videos', '3', '--frames', '40', '--rows',
        'baseline', '--precisions', 'fp32', '--work', str(tmp_path / 'v'),
        '--json', str(out), '--cfg-options', *TINY]) == 0
    results = json.loads(out.read_text())
    assert [(r['set'], r['workers']) for r in results] == [
        ('original', 0), ('original', 1), ('resized', 0), ('resized', 1)]
    for r in results:
        assert r['iterations'] == 2 and 0 < r['busy'] <= 1
        # clips/s = clips over wait + step time
        seconds = r['iterations'] * (r['step_ms'] + r['wait_ms']) / 1000
        assert r['clips_per_s'] == pytest.approx(2 * 2 / seconds, rel=0.05)
    printed = capsys.readouterr()
    assert 'busy' in printed.out and 'measurements: 4/4' in printed.err
    resized = sorted((tmp_path / 'v' / 'resized').iterdir())
    assert len(resized) == 3  # the short-side-128 copies


def test_two_view_device_augmentation_row_feeds(tmp_path):
    lines = make_video_set(tmp_path, dict(train=6), num_classes=2)
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs/skd_srl/r18_ucf101_device_aug.py'))
    cfg.model.backbone.base_channels = 4
    cfg.model.cls_head.in_channels = 32
    cfg.model.siamese_head.update(in_channels=32, proj_channels=16,
                                  pred_hidden_channels=8)
    cfg.train_dataloader.update(batch_size=2)
    cfg.train_dataloader.dataset.update(ann_file=str(tmp_path / 'train.txt'),
                                        data_prefix=dict(video=str(tmp_path)))
    _shrink_pipeline(cfg.train_dataloader.dataset.pipeline, False)
    result = feed(cfg, workers=0, iterations=3, warmup=1, device='cpu')
    summary = result.summary()
    assert len(lines['train']) == 6 and summary['iterations'] == 3
    assert result.clips_per_video == 2
    assert summary['step_ms'] > 0 and 0 < summary['busy'] <= 1
