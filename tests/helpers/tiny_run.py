"""Tiny configs built from the project's real configs, for CPU test runs.

The model keeps every layer of R3D-18 (``ResNet3dHara``) at
``base_channels=4``; clips are 4 x 32 x 32, batch 2, no DataLoader workers.
"""
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

import pytest
import torch
from mmengine.config import Config
from mmengine.utils import import_modules_from_strings

REPO = Path(__file__).resolve().parents[2]
TESTS = REPO / 'tests'
SKD_CONFIG = REPO / 'configs' / 'skd_srl' / 'r18_synthetic_demo.py'
PLAIN_CONFIG = REPO / 'configs' / 'baselines' / 'r18_synthetic_demo.py'
MODULES = ['mmskd', 'mmskd.engine.hooks.rng_state_hook',
           'mmskd.engine.hooks.resumable_checkpoint_hook',
           'mmskd.engine.hooks.nonfinite_hook', 'helpers.probes']


def _shrink_pipeline(pipeline: list, test_mode: bool) -> None:
    for step in pipeline:
        if step['type'] == 'TwoViewSample':
            _shrink_pipeline(step['view_pipeline'], test_mode)
        elif step['type'] == 'SampleFrames':
            step.update(clip_len=4, frame_interval=1, num_clips=1)
        elif step['type'] == 'Resize':
            step['scale'] = (-1, 36)
        elif step['type'] in ('RandomCrop', 'CenterCrop'):
            step.pop('crop_size', None)
            step['size' if step['type'] == 'RandomCrop' else 'crop_size'] = 32


def _data(cfg: Config, root: Path, train: str, val: str) -> None:
    for split, ann in (('train', train), ('val', val), ('test', val)):
        loader = cfg[f'{split}_dataloader']
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
        loader.dataset.update(ann_file=str(root / ann),
                              data_prefix=dict(video=str(root)))
        _shrink_pipeline(loader.dataset.pipeline, split != 'train')


def tiny_config(root: Path, work_dir: Path, epochs: int = 4,
                skd: bool = True, train: str = 'train.txt',
                val: str = 'val.txt') -> Config:
    """A seeded, deterministic run of a few 4-iteration epochs (8 videos).

    The plateau scheduler has patience 0, so the lr changes whenever val
    top-1 does not improve: its state matters for an exact resume.
    """
    cfg = Config.fromfile(str(SKD_CONFIG if skd else PLAIN_CONFIG))
    cfg.model.backbone.base_channels = 4  # stages 4-8-16-32 channels
    cfg.model.cls_head.update(num_classes=2, in_channels=32)
    if skd:
        cfg.model.siamese_head.update(in_channels=32, proj_channels=16,
                                      pred_hidden_channels=8)
    _data(cfg, root, train, val)
    cfg.train_cfg.max_epochs = epochs
    # the paper's plateau rule at patience 0: its state matters for resume
    cfg.param_scheduler = [dict(type='ReduceOnPlateauLR', monitor='acc/top1',
                                rule='greater', factor=0.5, patience=0,
                                by_epoch=True)]
    cfg.default_hooks.logger.interval = 1
    cfg.default_hooks.checkpoint.type = 'ResumableCheckpointHook'
    hooks = list(cfg.get('custom_hooks', []))  # keep the config's own
    have = {h['type'] for h in hooks}
    cfg.custom_hooks = hooks + [
        dict(type=t) for t in ('RandomStateHook', 'NonFiniteLossHook',
                               'RecordBatchHook') if t not in have]
    cfg.custom_imports = dict(imports=MODULES, allow_failed_imports=False)
    import_modules_from_strings(MODULES)  # for in-process Runners too
    cfg.randomness = dict(seed=0, deterministic=True)
    cfg.work_dir = str(work_dir)
    return cfg


def child_env(**extra: str) -> dict:
    """Environment for a tools/ child: helpers importable, one thread
    (the same float summation order in every run)."""
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        [str(TESTS), str(REPO), env.get('PYTHONPATH', '')])
    env.update(extra)
    return env


def train_cmd(config: Path, work_dir: Path,
              extra: Optional[List[str]] = None) -> List[str]:
    return [sys.executable, str(REPO / 'tools' / 'train.py'), str(config),
            '--work-dir', str(work_dir), *(extra or [])]


def run_tool(cmd: List[str], env: dict, timeout: int = 120) -> str:
    """Run a child to completion; fail with its log tail otherwise."""
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=timeout)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    return log


@pytest.fixture(scope='module')
def one_thread():
    """In-process runs on one thread, like the children: the same float
    summation order, and no oversubscribed cores on shared CI machines."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def shrink_real_config(cfg: Config, root: Path, tmp: Path,
                       train: str = 'train_blocks0-6.txt',
                       val: str = 'test_blocks7-8.txt') -> None:
    """A shipped real config at tiny shapes on the Weizmann real clips
    (``root``; 4 classes): R3D at 4 base channels, 4 x 32 x 32 clips, batch
    3 (train) / 2, no workers, 2 epochs, a 3-clip test; everything else
    (model type, hooks, schedule, loaders' other settings) as configured.
    """
    cfg.model.backbone.base_channels = 4
    width = 32 * (4 if cfg.model.backbone.depth == 50 else 1)
    cfg.model.cls_head.update(num_classes=4, in_channels=width)
    if 'siamese_head' in cfg.model:
        cfg.model.siamese_head.update(in_channels=width, proj_channels=16,
                                      pred_hidden_channels=8)
    if 'teacher' in cfg.model:  # a tiny R3D-50 teacher, saved to a file
        import torch
        from mmaction.registry import MODELS
        cfg.model.teacher.backbone.base_channels = 4
        cfg.model.teacher.cls_head.update(num_classes=4, in_channels=128)
        teacher = MODELS.build(cfg.model.teacher)
        torch.save(dict(state_dict=teacher.state_dict()), tmp / 'teach.pth')
        cfg.model.teacher_ckpt = str(tmp / 'teach.pth')
    for phase, ann in (('train', train), ('val', val), ('test', val)):
        loader = cfg[f'{phase}_dataloader']
        loader.update(batch_size=3 if phase == 'train' else 2,
                      num_workers=0, persistent_workers=False)
        loader.dataset.update(ann_file=str(root / ann), num_classes=4,
                              data_prefix=dict(video=str(root)))
        _shrink_pipeline(loader.dataset.pipeline, phase != 'train')
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'SampleFrames':
            step['num_clips'] = 3  # multi-clip test, softmax averaged
    cfg.train_cfg.max_epochs = 2
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp)
