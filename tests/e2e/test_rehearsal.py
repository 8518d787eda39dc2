"""A real-scale rehearsal of every shipped real config, on CPU.

What breaks only at scale, found here instead of after a day on a GPU:
each config's own train/val/test dataloaders are built from annotation
lists of the real split sizes (entries repeat the real clips), and for 1,
2, 4 and 8 GPUs the epoch-end batches, sampler lengths and label ranges are
checked. Then one short real run per config family (tiny shapes through
``--cfg-options``-style edits) crosses an epoch end, validates and tests
with several clips on real clips.

``pytest tests/e2e/test_rehearsal.py -k kinetics -s`` prints how long the
list checks of the Kinetics-400 lists take.
"""
import time
from pathlib import Path
from unittest import mock

import pytest
from mmengine.config import Config
from mmengine.runner import Runner

from conftest import REAL_CLIPS, REPO_ROOT, real_clips_dir
from helpers.tiny_run import shrink_real_config

# Training / validation videos of the real splits. UCF101 and HMDB51: the
# official split files; Kinetics-400: MMAction2's copy (the official lists
# shrink as YouTube videos disappear).
SIZES = {
    ('ucf101', 1): (9537, 3783), ('ucf101', 2): (9586, 3734),
    ('ucf101', 3): (9624, 3696), ('hmdb51', 1): (3570, 1530),
    ('hmdb51', 2): (3570, 1530), ('hmdb51', 3): (3570, 1530),
    ('kinetics400', 0): (240436, 19796),
}
GPUS = (1, 2, 4, 8)
CONFIGS = sorted(
    [p for folder in ('skd_srl', 'baselines')
     for p in (REPO_ROOT / 'configs' / folder).glob('r*_*.py')
     if any(d in p.name for d in ('ucf101', 'hmdb51', 'k400'))] +
    list((REPO_ROOT / 'configs' / 'table2').glob('r*_ucf101_*.py')))


def _dataset_of(cfg: Config):
    """``(dataset, split)`` of a config, read off its annotation path."""
    ann = cfg.train_dataloader.dataset.ann_file
    for name in ('ucf101', 'hmdb51', 'kinetics400'):
        if name in ann:
            split = int(ann.split('split_')[1][0]) if 'split_' in ann else 0
            return name, split
    raise AssertionError(f'unknown dataset in {ann}')


def _real_videos():
    """Every real clip, as a path relative to the real-clips folder."""
    real_clips_dir('ucf101_mini')  # skip with the reason when absent
    videos = sorted(str(p.relative_to(REAL_CLIPS)) for p in
                    REAL_CLIPS.glob('*/videos/**/*') if p.is_file())
    assert len(videos) > 50
    return videos


@pytest.fixture(scope='module')
def lists(tmp_path_factory):
    """Annotation lists of the real sizes, labels cycling over 0..K-1."""
    folder, made = tmp_path_factory.mktemp('lists'), {}
    videos = _real_videos()

    def make(size: int, classes: int) -> Path:
        path = folder / f'{size}_{classes}.txt'
        if path not in made:
            path.write_text(''.join(
                f'{videos[i % len(videos)]} {i % classes}\n'
                for i in range(size)))
            made[path] = size
        return path
    return make


def _batches(loader_cfg: dict, size: int, world: int, rank: int):
    """The index batches one rank's loader makes in an epoch (MMEngine's
    sampler, the config's batch size and drop_last)."""
    from mmengine.dataset import DefaultSampler
    from torch.utils.data import BatchSampler

    class _Sized:
        def __len__(self):
            return size
    sampler_cfg = dict(loader_cfg['sampler'])
    sampler_cfg.pop('type')
    with mock.patch('mmengine.dataset.sampler.get_dist_info',
                    return_value=(rank, world)):
        sampler = DefaultSampler(_Sized(), seed=0, **sampler_cfg)
    return list(BatchSampler(sampler, loader_cfg['batch_size'],
                             loader_cfg.get('drop_last', False)))


@pytest.mark.parametrize('path', CONFIGS,
                         ids=lambda p: f'{p.parent.name}/{p.stem}')
def test_real_size_lists_and_epoch_ends(path, lists):
    from mmaction.registry import DATASETS
    cfg = Config.fromfile(str(path))
    name, split = _dataset_of(cfg)
    classes = cfg.model.cls_head.num_classes
    two_view = cfg.model.type == 'SKDSRLRecognizer3D'
    sizes = dict(zip(('train', 'val'), SIZES[(name, split)]))
    sizes['test'] = sizes['val']  # the configs test on the val list
    for phase, size in sizes.items():
        loader = cfg[f'{phase}_dataloader']
        dataset_cfg = dict(loader.dataset, ann_file=str(lists(size, classes)),
                           data_prefix=dict(video=str(REAL_CLIPS)),
                           serialize_data=False)  # keep data_list readable
        start = time.perf_counter()
        dataset = DATASETS.build(dataset_cfg)  # parses and checks the list
        dataset.full_init()
        seconds = time.perf_counter() - start
        if name == 'kinetics400':
            print(f'\n{path.name} {phase}: {size} entries checked in '
                  f'{seconds:.2f} s')
        assert len(dataset) == size
        labels = {d['label'] for d in dataset.data_list}
        assert labels == set(range(classes))  # every class, none outside
        assert dataset_cfg.get('num_classes', classes) == classes
        for world in GPUS:
            ranks = [_batches(loader, size, world, r) for r in range(world)]
            counts = {len(b) for b in ranks}
            # every rank takes the same number of steps: no DDP hang
            assert len(counts) == 1, (phase, world, counts)
            smallest = min(len(b) for r in ranks for b in r)
            if phase == 'train' and two_view:
                assert smallest >= 2, (
                    f'{path.name}: a {smallest}-video batch on {world} GPUs')
            seen = {i for r in ranks for b in r for i in b}
            if phase == 'train':  # only the last incomplete batch dropped
                assert len(seen) >= size - world * loader.batch_size
            else:  # evaluation sees every video
                assert seen == set(range(size))


FAMILIES = {  # one config per family: its own loaders, model and hooks
    'skd_srl': 'configs/skd_srl/r18_ucf101.py',
    'baseline': 'configs/baselines/r50_hmdb51.py',
    'self_kd': 'configs/table2/r18_ucf101_self_kd.py',
    'kd': 'configs/table2/r18_ucf101_kd_r50.py',
}


@pytest.mark.slow
@pytest.mark.parametrize('family', sorted(FAMILIES))
def test_short_real_run_per_family(family, tmp_path):
    """28 training clips at batch 3: 9 steps and a dropped video per epoch,
    two epoch ends, validation after each, then a 3-clip test."""
    root = real_clips_dir('weizmann4_mocogan_derived')
    cfg = Config.fromfile(str(REPO_ROOT / FAMILIES[family]))
    shrink_real_config(cfg, root, tmp_path)
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.epoch == 2 and runner.iter == 2 * 9
    assert (tmp_path / 'epoch_2.pth').is_file()
    assert list(tmp_path.glob('best_acc_top1_epoch_*.pth'))
    metrics = runner.test()
    assert 0.0 <= metrics['acc/top1'] <= metrics['acc/top5'] <= 1.0
    assert metrics['acc/decode_failed'] == 0
