"""The README's mixing recipe on a stock MMAction2 config, on real videos.

The recipe (README, "Mixing SKD-SRL into any MMAction2 3D config") is
written verbatim into a child config of the stock R(2+1)D-34 config shipped
inside the mmaction2 package; only the sizes are shrunk for the CPU.
"""
import textwrap

from mmengine.config import Config
from mmengine.runner import Runner

from conftest import real_clips_dir

RECIPE = '''
_base_ = ['mmaction::recognition/r2plus1d/r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py']  # noqa: E501
custom_imports = dict(imports=['mmskd'], allow_failed_imports=False)
model = dict(
    type='SKDSRLRecognizer3D',
    siamese_head=dict(type='SiameseHead', in_channels=512),
    loss_kd=dict(type='ViewDistillationLoss', tau=10.0, loss_weight=0.1))
train_dataloader = dict(dataset=dict(pipeline=[
    _base_.train_pipeline[0],
    dict(type='TwoViewSample', view_pipeline=_base_.train_pipeline[1:-1]),
    _base_.train_pipeline[-1]]))
'''


def _shrink(cfg: Config, root: str, work_dir: str) -> Config:
    views = cfg.train_dataloader.dataset.pipeline[1].view_pipeline
    for step in views:  # the CPU can't afford 8x224x224 in a unit test
        if step['type'] == 'SampleFrames':
            step.update(clip_len=4, frame_interval=2)
        if step['type'] == 'Resize':
            step['scale'] = (-1, 48) if step['scale'][0] == -1 else (40, 40)
    cfg.model.cls_head.num_classes = 4
    cfg.train_dataloader.update(batch_size=2, num_workers=0,
                                persistent_workers=False)
    cfg.train_dataloader.dataset.update(
        ann_file=f'{root}/train_blocks0-6.txt', data_prefix=dict(video=root))
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=2)
    cfg.param_scheduler = None
    for key in ('val_dataloader', 'val_cfg', 'val_evaluator',
                'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=2,
                                        by_epoch=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=1)
    cfg.work_dir = work_dir
    return cfg


def test_recipe_turns_stock_r2plus1d_into_skd_srl(tmp_path):
    root = str(real_clips_dir('weizmann4_mocogan_derived'))
    path = tmp_path / 'r2plus1d_skd_srl.py'
    path.write_text(textwrap.dedent(RECIPE))
    cfg = _shrink(Config.fromfile(str(path)), root, str(tmp_path / 'work'))
    assert cfg.model.backbone.type == 'ResNet2Plus1d'  # stock encoder kept
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    scalars = runner.message_hub.log_scalars
    for key in ('train/loss_cls', 'train/loss_kd', 'train/loss_sim'):
        assert key in scalars, key
    assert (tmp_path / 'work' / 'iter_2.pth').is_file()
