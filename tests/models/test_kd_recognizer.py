"""KDRecognizer3D / SelfKDRecognizer3D: Table II's KD and Self-KD rows."""
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from conftest import REPO_ROOT
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

import mmskd.models.recognizers.kd_recognizer3d  # noqa: F401 (registers)

ALPHA, TAU, K = 0.1, 10.0, 5


def _net(depth=18, width=4):
    # Tiny 3D ResNets: the recognizer, not the backbone, is under test.
    out = width * 8 * (4 if depth >= 50 else 1)
    return dict(
        backbone=dict(type='ResNet3dHara', depth=depth, base_channels=width),
        cls_head=dict(
            type='I3DHead', num_classes=K, in_channels=out, dropout_ratio=0.0))


def _save_teacher(path: Path, depth=50, num_classes=K, extra=()) -> Path:
    cfg = dict(type='Recognizer3D', **_net(depth))
    cfg['cls_head']['num_classes'] = num_classes
    torch.manual_seed(1)
    teacher = MODELS.build(cfg)
    # As the runner writes it, plus a DDP prefix and an SKD-SRL-only key.
    state = {f'module.{k}': v for k, v in teacher.state_dict().items()}
    state['siamese_head.projector.weight'] = torch.zeros(1)
    state.update({k: torch.zeros(1) for k in extra})
    torch.save(dict(state_dict=state, meta=dict()), path)
    return path


def _kd(ckpt, teacher_depth=50):
    cfg = dict(
        type='KDRecognizer3D',
        teacher=_net(teacher_depth),
        teacher_ckpt=ckpt if ckpt is None else str(ckpt),
        loss_kd=dict(type='KDLoss', tau=TAU, loss_weight=ALPHA),
        **_net())
    torch.manual_seed(0)
    return MODELS.build(cfg)


def _self_kd():
    torch.manual_seed(0)
    return MODELS.build(
        dict(
            type='SelfKDRecognizer3D',
            loss_kd=dict(type='KDLoss', tau=TAU, loss_weight=ALPHA),
            **_net()))


@pytest.fixture
def kd(tmp_path):
    model = _kd(_save_teacher(tmp_path / 'teacher.pth'))
    model.init_weights()
    return model


def _batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, 1, 3, 4, 32, 32, generator=g)  # [N, 1, C, T, H, W]
    labels = torch.randint(0, K, (n, ), generator=g)
    return inputs, [ActionDataSample().set_gt_labels(int(y)) for y in labels]


def _teacher_weights_equal(model, state):
    return all(
        torch.equal(v, state[k])
        for k, v in model.teacher.state_dict().items())


def test_kd_loss_matches_plain_torch_and_loads_the_teacher(kd, tmp_path):
    ckpt = torch.load(tmp_path / 'teacher.pth')['state_dict']
    assert _teacher_weights_equal(kd, {
        k[len('module.'):]: v
        for k, v in ckpt.items()
    })
    inputs, samples = _batch()
    losses = kd.loss(inputs, samples)
    assert set(losses) == {'loss_cls', 'loss_kd', 'top1_acc', 'top5_acc'}
    with torch.no_grad():  # independent Hinton KD on the same modules
        s = kd.cls_head(kd.backbone(inputs[:, 0]))  # [N, K]
        t = kd.teacher.cls_head(kd.teacher.backbone(inputs[:, 0]))
        kl = F.kl_div(
            F.log_softmax(s / TAU, 1),
            F.softmax(t / TAU, 1),
            reduction='batchmean')
    assert losses['loss_kd'].item() == pytest.approx(
        ALPHA * kl.item(), rel=1e-4)
    assert losses['loss_kd'].item() > 0


def test_gradients_reach_every_student_param_and_no_teacher_param(kd):
    inputs, samples = _batch()
    losses = kd.loss(inputs, samples)
    losses['loss_kd'].backward(retain_graph=True)  # KD alone moves the FC
    assert kd.cls_head.fc_cls.weight.grad.abs().sum() > 0
    losses['loss_cls'].backward()
    for name, p in kd.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
    assert all(p.grad is None and not p.requires_grad
               for p in kd.teacher.parameters())


@pytest.mark.parametrize('kind', ['kd', 'self_kd'])
def test_teacher_in_eval_mode_and_keeps_its_bn_statistics(kind, kd):
    model = kd if kind == 'kd' else _self_kd()
    if kind == 'self_kd':
        model.update_teacher()
    model.train()
    assert model.training and not model.teacher.training
    assert not any(m.training for m in model.teacher.modules())
    before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    model.loss(*_batch())
    assert _teacher_weights_equal(model, before)  # running stats unchanged
    model.train(False)
    model.train(True)
    assert not model.teacher.training


@pytest.mark.parametrize('kind', ['kd', 'self_kd'])
def test_teacher_not_in_state_dict_nor_optimizer(kind, kd):
    model = kd if kind == 'kd' else _self_kd()
    plain = MODELS.build(dict(type='Recognizer3D', **_net()))
    assert set(model.state_dict()) == set(plain.state_dict())
    plain.load_state_dict(model.state_dict(), strict=True)
    wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)))
    in_optim = {
        id(p)
        for g in wrapper.optimizer.param_groups
        for p in g['params']
    }
    assert in_optim == {id(p) for p in model.parameters()}
    assert in_optim.isdisjoint(id(p) for p in model.teacher.parameters())


def test_missing_teacher_checkpoint_names_path_and_key(tmp_path):
    model = _kd(tmp_path / 'nope.pth')  # building alone needs no file
    with pytest.raises(FileNotFoundError, match=r'nope\.pth.*teacher_ckpt'):
        model.init_weights()
    with pytest.raises(FileNotFoundError, match='teacher_ckpt'):
        _kd(tmp_path).init_weights()  # a work dir without checkpoints
    with pytest.raises(ValueError, match='teacher_ckpt'):
        _kd(None)


def test_mismatched_teacher_checkpoint_names_the_keys(tmp_path):
    r18 = _save_teacher(tmp_path / 'r18.pth', depth=18)
    with pytest.raises(
            ValueError,
            match=r'r18\.pth.*missing keys.*'
            r'layer1\.0\.conv3.*shape mismatches'):
        _kd(r18).init_weights()  # conv3: a Bottleneck-only layer
    odd = _save_teacher(tmp_path / 'odd.pth', extra=['backbone.extra'])
    with pytest.raises(
            ValueError, match=r'1 unexpected keys.*backbone\.extra'):
        _kd(odd).init_weights()
    k3 = _save_teacher(tmp_path / 'k3.pth', num_classes=3)
    with pytest.raises(ValueError, match=r'2 shape mismatches.*fc_cls'):
        _kd(k3).init_weights()


def test_teacher_from_a_work_dir_and_class_count_check(tmp_path):
    _save_teacher(tmp_path / 'best_acc_top1_epoch_3.pth')
    model = _kd(tmp_path)
    model.loss(*_batch())  # loads lazily when init_weights was skipped
    assert model.teacher_ready
    with pytest.raises(ValueError, match='num_classes'):
        MODELS.build(
            dict(
                type='KDRecognizer3D',
                teacher=dict(
                    _net(50),
                    cls_head=dict(_net(50)['cls_head'], num_classes=3)),
                teacher_ckpt='x.pth',
                **_net()))


def test_self_kd_is_plain_ce_until_the_first_copy():
    model = _self_kd()
    inputs, samples = _batch()
    assert model.loss(inputs, samples)['loss_kd'].item() == 0.0
    model.update_teacher()
    assert _teacher_weights_equal(model, model.state_dict())
    assert model.loss(inputs, samples)['loss_kd'].item() > 0


@pytest.mark.parametrize('row, model_type',
                         [('kd_r50', 'KDRecognizer3D'),
                          ('self_kd', 'SelfKDRecognizer3D')])
@pytest.mark.parametrize('data', ['ucf101', 'synthetic_demo'])
def test_table2_distillation_configs(row, model_type, data):
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs' / 'table2' / f'r18_{data}_{row}.py'))
    assert cfg.model.type == model_type
    assert (cfg.model.loss_kd.tau, cfg.model.loss_kd.loss_weight) == (10., .1)
    steps = [s.type for s in cfg.train_dataloader.dataset.pipeline]
    assert 'SKDClipAugment' in steps and 'TwoViewSample' not in steps
    hooks = [h.type for h in cfg.get('custom_hooks', [])]
    assert ('SelfKDHook' in hooks) == (row == 'self_kd')
    if row == 'kd_r50':
        assert cfg.model.teacher.backbone.depth == 50
        assert cfg.model.teacher.cls_head.num_classes == \
            cfg.model.cls_head.num_classes
