"""mmskd.apis.launch: what tools/train.py and tools/test.py do."""
from pathlib import Path

import pytest
from mmengine.config import Config

from mmskd.apis import launch

DEMO = 'configs/skd_srl/r18_synthetic_demo.py'


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    from conftest import REPO_ROOT
    monkeypatch.chdir(REPO_ROOT)


def test_train_args_fold_into_config(tmp_path):
    args = launch.parse_train_args([
        DEMO, '--work-dir', str(tmp_path), '--amp', '--seed', '3',
        '--cfg-options', 'train_dataloader.batch_size=2',
        'model.loss_kd.tau=4.0'
    ])
    cfg = launch.build_train_cfg(args)
    assert cfg.work_dir == str(tmp_path)
    assert cfg.train_dataloader.batch_size == 2
    assert cfg.model.loss_kd.tau == 4.0
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.randomness == dict(seed=3, deterministic=False)
    assert cfg.resume is False and cfg.launcher == 'none'


@pytest.mark.parametrize('argv,resume,load_from', [
    (['--resume'], True, None),
    (['--resume', 'x/epoch_3.pth'], True, 'x/epoch_3.pth'),
    ([], False, None),
])
def test_resume_forms(argv, resume, load_from):
    cfg = launch.build_train_cfg(launch.parse_train_args([DEMO] + argv))
    assert cfg.resume is resume and cfg.load_from == load_from


def test_default_work_dir_from_config_folder_and_name():
    cfg = launch.build_train_cfg(launch.parse_train_args([DEMO]))
    assert cfg.work_dir == './work_dirs/skd_srl/r18_synthetic_demo'
    # the same name in two folders: two work dirs
    dirs = {launch.build_train_cfg(launch.parse_train_args(
        [f'configs/{folder}/r18_ucf101.py'])).work_dir
        for folder in ('skd_srl', 'baselines')}
    assert dirs == {'./work_dirs/skd_srl/r18_ucf101',
                    './work_dirs/baselines/r18_ucf101'}
    args = launch.parse_test_args([DEMO, 'ckpt.pth'])
    assert launch.apply_common_args(Config.fromfile(DEMO), args).work_dir \
        == './work_dirs/skd_srl/r18_synthetic_demo'


def test_launcher_choice_checked():
    with pytest.raises(SystemExit):
        launch.parse_train_args([DEMO, '--launcher', 'ssh'])
    args = launch.parse_train_args([DEMO, '--launcher', 'pytorch'])
    assert launch.build_train_cfg(args).launcher == 'pytorch'


def test_find_checkpoint_prefers_best_then_last(tmp_path):
    with pytest.raises(FileNotFoundError, match='no best'):
        launch.find_checkpoint(str(tmp_path))
    (tmp_path / 'epoch_2.pth').write_bytes(b'x')
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    assert launch.find_checkpoint(str(tmp_path)).endswith('epoch_2.pth')
    (tmp_path / 'best_acc_top1_epoch_1.pth').write_bytes(b'x')
    assert launch.find_checkpoint(str(tmp_path)).endswith(
        'best_acc_top1_epoch_1.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        launch.find_checkpoint(str(tmp_path / 'nope.pth'))


def test_test_args_set_clips_by_type_and_dump(tmp_path):
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'x')
    args = launch.parse_test_args([
        DEMO, str(ckpt), '--num-clips', '1', '--dump',
        str(tmp_path / 'p.pkl')
    ])
    cfg = launch.build_test_cfg(args)
    assert cfg.load_from == str(ckpt)
    sampler = cfg.test_dataloader.dataset.pipeline[1]
    assert sampler['type'] == 'SampleFrames' and sampler['num_clips'] == 1
    assert cfg.test_evaluator[-1]['type'] == 'DumpResults'
    with pytest.raises(ValueError, match='must end with .pkl'):
        launch.build_test_cfg(
            launch.parse_test_args([DEMO, str(ckpt), '--dump', 'p.json']))
    with pytest.raises(ValueError, match='>= 1'):
        launch.set_test_clips(cfg, 0)


def test_amp_refuses_custom_wrapper():
    cfg = Config(dict(optim_wrapper=dict(type='MyWrapper')))
    with pytest.raises(ValueError, match='MyWrapper'):
        launch._enable_amp(cfg)


def test_test_tool_refuses_a_checkpoint_of_another_model(tmp_path):
    import subprocess
    import sys

    import torch
    from mmaction.registry import MODELS
    cfg = Config.fromfile('configs/baselines/r18_synthetic_demo.py')
    cfg.model.cls_head.num_classes = 7  # not the config's 10
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict()),
               tmp_path / 'other.pth')
    done = subprocess.run(
        [sys.executable, 'tools/test.py', DEMO, str(tmp_path / 'other.pth'),
         '--work-dir', str(tmp_path / 'w')], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr[-2000:]
    assert 'does not match the config' in done.stderr
    assert 'shape mismatch keys (2): cls_head.fc_cls.bias, ' \
        'cls_head.fc_cls.weight' in done.stderr
    assert 'Traceback' not in done.stderr


def test_openmmlab_train_options_and_cfg_options_last(tmp_path):
    args = launch.parse_train_args([
        DEMO, '--amp', '--auto-scale-lr', '--no-validate', '--cfg-options',
        'optim_wrapper.loss_scale=512', 'auto_scale_lr.base_batch_size=4'])
    cfg = launch.build_train_cfg(args)
    # --cfg-options last: it overrides what --amp set, as in MMAction2
    assert cfg.optim_wrapper.loss_scale == 512
    assert cfg.auto_scale_lr == dict(enable=True, base_batch_size=4)
    assert cfg.val_cfg is None and cfg.val_dataloader is None \
        and cfg.val_evaluator is None
    cfg = launch.build_train_cfg(launch.parse_train_args([DEMO]))
    assert cfg.val_cfg is not None and not cfg.auto_scale_lr.enable
    bare = tmp_path / 'no_scale.py'
    bare.write_text(f"_base_ = ['{Path(DEMO).resolve()}']\n"
                    'auto_scale_lr = None\n')
    with pytest.raises(ValueError, match='auto_scale_lr'):
        launch.build_train_cfg(launch.parse_train_args(
            [str(bare), '--auto-scale-lr']))


def test_show_dir_enables_the_visualization_hook(tmp_path):
    args = launch.parse_test_args([DEMO, 'x.pth', '--work-dir',
                                   str(tmp_path), '--show-dir', 'vis'])
    args.checkpoint = str(tmp_path)
    (tmp_path / 'best_acc_top1_epoch_1.pth').write_bytes(b'x')
    hook = launch.build_test_cfg(args).default_hooks.visualization
    assert hook.type == 'ClipVisualizationHook' and hook.enable
    assert hook.out_dir == str(tmp_path / 'vis')


def test_runner_type_builds_that_runner():
    from mmengine.registry import RUNNERS
    built = []

    @RUNNERS.register_module(force=True)
    class ProbeRunner:
        @classmethod
        def from_cfg(cls, cfg):
            built.append(cfg.runner_type)
            return cls()
    cfg = Config.fromfile(DEMO)
    cfg.runner_type = 'ProbeRunner'
    assert isinstance(launch.build_runner(cfg), ProbeRunner)
    assert built == ['ProbeRunner']
