"""SelfKDHook: the teacher follows the best validation top-1, across resume."""
import math
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import MMLogger
from mmengine.runner import Runner

import mmskd.models.recognizers.kd_recognizer3d  # noqa: F401 (registers)
from mmskd.engine.hooks.self_kd_hook import SelfKDHook

K = 3
NET = dict(
    backbone=dict(type='ResNet3dHara', depth=18, base_channels=4),
    cls_head=dict(
        type='I3DHead',
        num_classes=K,
        in_channels=32,
        dropout_ratio=0.0,
        average_clips='prob'))


def _model(seed=0, kind='SelfKDRecognizer3D'):
    torch.manual_seed(seed)
    return MODELS.build(dict(type=kind, **NET))


def _runner(model):
    return SimpleNamespace(
        model=model, val_loop=object(), logger=MMLogger.get_current_instance())


def _same(a, b):
    return set(a) == set(b) and all(torch.equal(a[k], b[k]) for k in a)


def _nudge(model):
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.01)


def _snapshot(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def test_teacher_copied_only_on_strict_improvement():
    model, hook = _model(), SelfKDHook()
    runner = _runner(model)
    hook.before_train(runner)
    hook.after_val_epoch(runner, {'acc/top1': 0.5, 'acc/top5': 0.9})
    best = _snapshot(model)
    assert model.teacher_ready and _same(model.teacher.state_dict(), best)
    for score in (0.4, 0.5):  # worse, then equal: no copy
        _nudge(model)
        hook.after_val_epoch(runner, {'acc/top1': score})
        assert _same(model.teacher.state_dict(), best)
    hook.after_val_epoch(runner, {'acc/top1': 0.6})
    assert _same(model.teacher.state_dict(), model.state_dict())
    assert not _same(model.teacher.state_dict(), best)
    assert hook.best_score == 0.6


def test_misconfiguration_fails_loudly():
    hook = SelfKDHook()
    with pytest.raises(KeyError, match='acc/top1'):
        hook.after_val_epoch(_runner(_model()), {'acc/mean1': 0.3})
    with pytest.raises(TypeError, match='SelfKDRecognizer3D'):
        hook.before_train(_runner(_model(kind='Recognizer3D')))
    runner = _runner(_model())
    runner.val_loop = None
    with pytest.raises(ValueError, match='validation'):
        hook.before_train(runner)


@pytest.mark.parametrize('improved', [True, False])
def test_teacher_and_best_score_survive_resume(tmp_path, improved):
    model, hook = _model(), SelfKDHook()
    if improved:
        hook.after_val_epoch(_runner(model), {'acc/top1': 0.7})
        _nudge(model)  # the student moves on; the teacher must not
    teacher = _snapshot(model.teacher)
    checkpoint = dict(state_dict=model.state_dict())
    hook.before_save_checkpoint(_runner(model), checkpoint)
    assert set(checkpoint['state_dict']) == set(
        MODELS.build(dict(type='Recognizer3D', **NET)).state_dict())
    torch.save(checkpoint, tmp_path / 'ckpt.pth')  # as mmengine would
    loaded = torch.load(tmp_path / 'ckpt.pth', weights_only=True)

    fresh, fresh_hook = _model(seed=1), SelfKDHook()
    fresh_hook.after_load_checkpoint(_runner(fresh), loaded)
    assert fresh.teacher_ready == improved
    assert fresh_hook.best_score == (0.7 if improved else -math.inf)
    if improved:
        assert _same(fresh.teacher.state_dict(), teacher)
        fresh_hook.after_val_epoch(_runner(fresh), {'acc/top1': 0.65})
        assert _same(fresh.teacher.state_dict(), teacher)


class _Clips(torch.utils.data.Dataset):
    """Eight fixed random clips, [1, 3, 4, 32, 32] each, labels 0..K-1."""

    metainfo = dict()

    def __len__(self):
        return 8

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return dict(
            inputs=torch.randn(1, 3, 4, 32, 32, generator=g),
            data_samples=ActionDataSample().set_gt_labels(i % K))


def _real_runner(work_dir, epochs, resume=False):
    loader = dict(
        dataset=_Clips(),
        batch_size=4,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False))
    # As configs/_base_/default_runtime.py: save_best on the hook's metric.
    checkpoint = dict(
        type='CheckpointHook',
        interval=1,
        save_best='acc/top1',
        rule='greater')
    return Runner(
        model=dict(type='SelfKDRecognizer3D', **NET),
        work_dir=str(work_dir),
        train_dataloader=loader,
        val_dataloader=loader,
        train_cfg=dict(by_epoch=True, max_epochs=epochs, val_interval=1),
        val_cfg=dict(),
        val_evaluator=dict(type='AccMetric'),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        custom_hooks=[dict(type='SelfKDHook')],
        default_hooks=dict(checkpoint=checkpoint),
        resume=resume,
        default_scope='mmaction',
        experiment_name=f'run{epochs}{resume}')


def test_real_runner_saves_and_resumes_the_teacher(tmp_path):
    runner = _real_runner(tmp_path, epochs=1)
    runner.train()
    hook = next(h for h in runner.hooks if isinstance(h, SelfKDHook))
    assert runner.model.teacher_ready  # the first validation is a best
    # A new best makes CheckpointHook re-save epoch_1.pth after validation,
    # so the resume checkpoint holds the teacher copied at that validation.
    ckpt = torch.load(tmp_path / 'epoch_1.pth', weights_only=True)
    assert ckpt['self_kd']['teacher']['ready'] is True
    assert not any('teacher' in k for k in ckpt['state_dict'])
    resumed = _real_runner(tmp_path, epochs=1, resume=True)
    resumed.train()  # resumes at epoch 1 of 1: restores, trains nothing
    assert resumed.model.teacher_ready
    assert _same(resumed.model.teacher.state_dict(),
                 runner.model.teacher.state_dict())
    assert next(h for h in resumed.hooks
                if isinstance(h, SelfKDHook)).best_score == hook.best_score
