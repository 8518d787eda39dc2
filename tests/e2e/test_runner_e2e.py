"""Short end-to-end runs of the real configs through the MMEngine runner:
train + val + test + resume, on generated videos and on real clips."""
import json
import subprocess
import sys

import pytest
import torch

from conftest import REPO_ROOT, real_clips_dir

DEMO = {
    'skd': 'configs/skd_srl/r18_synthetic_demo.py',
    'baseline': 'configs/baselines/r18_synthetic_demo.py',
}


@pytest.fixture(scope='module')
def tiny_synthetic(tmp_path_factory):
    from mmskd.datasets.synthetic import SyntheticConfig, generate_dataset
    out = tmp_path_factory.mktemp('synth') / 'data'
    cfg = SyntheticConfig(seed=3, videos_per_class=3, actors=6,
                          frames=(24, 32), size=(64, 80))
    generate_dataset(out, cfg, workers=1)
    return out


def _data_options(root, num_classes, train='train.txt', val='val.txt',
                  test='test.txt'):
    opts = [f'model.cls_head.num_classes={num_classes}']
    for split, ann in (('train', train), ('val', val), ('test', test)):
        opts += [
            f'{split}_dataloader.dataset.ann_file={root}/{ann}',
            f'{split}_dataloader.dataset.data_prefix.video={root}',
            f'{split}_dataloader.dataset.num_classes={num_classes}',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    return opts


def _tool(name, *args):
    cmd = [sys.executable, str(REPO_ROOT / 'tools' / name), *map(str, args)]
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def _small(epochs):
    # R3D-18 at the demo scale (8 x 56 x 56), batch 4, a few steps an epoch.
    return [
        f'train_cfg.max_epochs={epochs}', 'train_dataloader.batch_size=4',
        'default_hooks.logger.interval=1'
    ]


@pytest.mark.parametrize('kind', ['skd', 'baseline'])
def test_train_val_test_resume_on_generated_videos(kind, tiny_synthetic,
                                                   tmp_path):
    names = (tiny_synthetic / 'classes.txt').read_text().split()
    n_cls = len(names)
    data = _data_options(tiny_synthetic, n_cls) + [
        'train_dataloader.dataset.metainfo.classes='
        f'{tiny_synthetic}/classes.txt']
    opts = data + _small(1)
    work = tmp_path / 'work'
    log = _tool('train.py', DEMO[kind], '--work-dir', work,
                '--cfg-options', *opts)
    assert 'Epoch(val) [1]' in log
    assert (work / 'epoch_1.pth').is_file()
    best = list(work.glob('best_acc_top1_epoch_*.pth'))
    assert len(best) == 1
    # Resume: continues from epoch 1 to epoch 2 (not from scratch).
    log = _tool('train.py', DEMO[kind], '--work-dir', work, '--resume',
                '--cfg-options', *(data + _small(2)))
    assert 'resumed epoch: 1' in log
    assert 'Epoch(train) [1]' not in log and 'Epoch(train) [2]' in log
    assert (work / 'epoch_2.pth').is_file()
    meta = torch.load(work / 'epoch_2.pth', weights_only=True)['meta']
    assert meta['epoch'] == 2
    assert list(meta['dataset_meta']['classes']) == names  # names travel
    metrics = work / 'test.json'
    _tool('test.py', DEMO[kind], work, '--work-dir', work, '--out-metrics',
          metrics, '--show-dir', 'vis', '--cfg-options', *opts)
    drawn = [p for p in (work / 'vis').rglob('*') if p.is_file()]
    n_test = len((tiny_synthetic / 'test.txt').read_text().split('\n')) - 1
    assert drawn and len({p.parent for p in drawn}) == n_test  # per video
    result = json.loads(metrics.read_text())
    assert set(result) == {
        'acc/top1', 'acc/top5', 'acc/mean1', 'acc/decode_failed', 'checkpoint',
        'num_clips'
    }
    assert result['num_clips'] == 10 and result['acc/decode_failed'] == 0
    assert 0.0 <= result['acc/top1'] <= result['acc/top5'] <= 1.0


def test_skd_srl_on_real_weizmann_clips(tmp_path):
    root = real_clips_dir('weizmann4_mocogan_derived')
    opts = _data_options(root, 4, 'train_blocks0-6.txt', 'test_blocks7-8.txt',
                         'test_blocks7-8.txt') + _small(1)
    work = tmp_path / 'work'
    log = _tool('train.py', DEMO['skd'], '--work-dir', work, '--cfg-options',
                *opts)
    assert 'loss_kd' in log and 'loss_sim' in log
    metrics = work / 'clip.json'
    _tool('test.py', DEMO['skd'], work, '--work-dir', work, '--num-clips', 1,
          '--out-metrics', metrics, '--cfg-options', *opts)
    assert json.loads(metrics.read_text())['acc/top5'] == 1.0  # 4 classes


def test_missing_annotation_and_video_dir_are_named(tmp_path):
    missing = tmp_path / 'nope.txt'
    cmd = [sys.executable, str(REPO_ROOT / 'tools/train.py'), DEMO['skd'],
           '--work-dir', str(tmp_path / 'w'), '--cfg-options',
           f'train_dataloader.dataset.ann_file={missing}']
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode != 0
    assert str(missing) in done.stderr


def test_tensorboard_backend_writes_event_files(tiny_synthetic, tmp_path):
    """`pip install .[tensorboard]` + MMEngine's TensorboardVisBackend."""
    pytest.importorskip('tensorboard', reason='the tensorboard extra is '
                        'not installed (pip install .[tensorboard])')
    n_cls = len((tiny_synthetic / 'classes.txt').read_text().split())
    work = tmp_path / 'work'
    delta = tmp_path / 'tb.py'  # the two-line delta docs/visualization.md
    delta.write_text(f"_base_ = ['{REPO_ROOT / DEMO['baseline']}']\n"
                     "visualizer = dict(vis_backends=[dict(type='LocalVisBa"
                     "ckend'), dict(type='TensorboardVisBackend')])\n")
    _tool('train.py', delta, '--work-dir', work, '--cfg-options',
          *_data_options(tiny_synthetic, n_cls), *_small(1))
    events = list(work.rglob('events.out.tfevents.*'))
    assert events and events[0].stat().st_size > 100
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    acc = EventAccumulator(str(events[0].parent))
    acc.Reload()
    assert {'loss', 'acc/top1'} <= set(acc.Tags()['scalars'])
