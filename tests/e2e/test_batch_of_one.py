"""Regression: an epoch whose last two-view batch holds a single video.

UCF101 split 1 has 9,537 training videos: on 1 or 2 GPUs at 32 videos per
GPU the last batch holds one video, and the Siamese head's BatchNorm cannot
train on one sample. Here 28 real Weizmann clips at batch 3 leave one video
for the last batch; the shipped UCF101 SKD-SRL config (shrunk) must train
across two epoch ends with its own loader settings, and the head must cope
when a loader keeps the last batch anyway.
"""
import logging

import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.runner import Runner

from conftest import REPO_ROOT, real_clips_dir
from helpers.tiny_run import _shrink_pipeline


CONFIG = REPO_ROOT / 'configs' / 'skd_srl' / 'r18_ucf101.py'
VIDEOS, BATCH = 28, 3  # 28 = 9 * 3 + 1


class _Records(logging.Handler):

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _run(tmp_path, drop_last=None):
    root = real_clips_dir('weizmann4_mocogan_derived')
    ann = root / 'train_blocks0-6.txt'
    assert len(ann.read_text().split('\n')) - 1 == VIDEOS
    cfg = Config.fromfile(str(CONFIG))
    cfg.model.backbone.base_channels = 4
    cfg.model.cls_head.in_channels = 32
    cfg.model.siamese_head.update(in_channels=32, proj_channels=16,
                                  pred_hidden_channels=8)
    loader = cfg.train_dataloader
    loader.update(batch_size=BATCH, num_workers=0, persistent_workers=False)
    if drop_last is not None:
        loader.drop_last = drop_last
    loader.dataset.update(ann_file=str(ann), data_prefix=dict(video=str(root)))
    _shrink_pipeline(loader.dataset.pipeline, False)
    for step in loader.dataset.pipeline[1]['view_pipeline']:
        # 4 x 64 x 64 clips: R3D's last map is 1 x 2 x 2, so its own
        # BatchNorm has 4 values per channel even for one clip
        if step['type'] == 'Resize':
            step['scale'] = (-1, 72)
        elif step['type'] == 'RandomCrop':
            step['size'] = 64
    cfg.train_cfg.update(max_epochs=2, val_interval=10)  # no validation
    cfg.update(work_dir=str(tmp_path), val_dataloader=None, val_cfg=None,
               val_evaluator=None, test_dataloader=None, test_cfg=None,
               test_evaluator=None, param_scheduler=None)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=100)
    runner = Runner.from_cfg(cfg)
    records = _Records()
    MMLogger.get_current_instance().addHandler(records)
    try:
        runner.train()
    finally:
        MMLogger.get_current_instance().removeHandler(records)
    return runner, records.messages


@pytest.mark.slow
def test_shipped_config_drops_the_batch_of_one(tmp_path):
    runner, warnings = _run(tmp_path)
    assert runner.train_dataloader.drop_last
    assert runner.epoch == 2 and runner.iter == 2 * (VIDEOS // BATCH)
    assert not any('one video' in m for m in warnings)


@pytest.mark.slow
def test_head_copes_when_the_loader_keeps_it(tmp_path):
    runner, warnings = _run(tmp_path, drop_last=False)
    assert runner.epoch == 2 and runner.iter == 2 * (VIDEOS // BATCH + 1)
    assert sum('holds one video' in m for m in warnings) == 1  # once
