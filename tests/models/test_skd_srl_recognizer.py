"""SKDSRLRecognizer3D: Eq. 5 on two views (METHOD.md section 1)."""
import copy

import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

ALPHA, BETA, TAU, K = 0.1, 1.0, 10.0, 5


def _cfg(view_forward='separate'):
    # A small 3D ResNet keeps the test fast; the recognizer is what's tested.
    return dict(
        type='SKDSRLRecognizer3D',
        view_forward=view_forward,
        backbone=dict(type='ResNet3dHara', depth=18, base_channels=8),
        cls_head=dict(type='I3DHead', num_classes=K, in_channels=64,
                      dropout_ratio=0.0),
        siamese_head=dict(type='SiameseHead', in_channels=64,
                          proj_channels=32, pred_hidden_channels=8,
                          loss_sim=dict(type='SiameseSimilarityLoss',
                                        loss_weight=BETA)),
        loss_kd=dict(type='ViewDistillationLoss', tau=TAU,
                     loss_weight=ALPHA))


def _batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(n, 2, 3, 8, 32, 32, generator=g)  # [N, 2, C, T, H, W]
    labels = torch.randint(0, K, (n, ), generator=g)
    samples = [ActionDataSample().set_gt_labels(int(y)) for y in labels]
    return inputs, samples, labels


def _model(view_forward='separate', seed=0):
    torch.manual_seed(seed)
    model = MODELS.build(_cfg(view_forward))
    model.init_weights()
    return model


def test_loss_keys_and_values_match_eq5():
    model = _model()
    inputs, samples, y = _batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == {
        'loss_cls', 'loss_kd', 'loss_sim', 'top1_acc_view1', 'top5_acc_view1',
        'top1_acc_view2', 'top5_acc_view2', 'cos_sim', 'cos_sim_mismatched',
        'z_std'
    }
    # Independent plain-torch Eq. 5 on the same modules (train-mode BN,
    # one encoder call per view, as view_forward='separate').
    r1 = model.backbone(inputs[:, 0]).mean(dim=(2, 3, 4))  # [N, C]
    r2 = model.backbone(inputs[:, 1]).mean(dim=(2, 3, 4))
    fc = model.cls_head.fc_cls
    p1, p2 = fc(r1), fc(r2)
    head = model.siamese_head
    z1, z2 = head.projector(r1), head.projector(r2)
    v1, v2 = head.predictor(z1), head.predictor(z2)
    t = F.softmax((p1 + p2).detach() / TAU, 1)
    kd = sum(
        F.kl_div(F.log_softmax(p / TAU, 1), t, reduction='batchmean')
        for p in (p1, p2))
    sim = -0.5 * (F.cosine_similarity(v1, z2.detach()).mean() +
                  F.cosine_similarity(v2, z1.detach()).mean())
    ce = F.cross_entropy(p1, y) + F.cross_entropy(p2, y)
    assert losses['loss_cls'].item() == pytest.approx(ce.item(), rel=1e-5)
    assert losses['loss_kd'].item() == pytest.approx(ALPHA * kd.item(),
                                                     rel=1e-5)
    assert losses['loss_sim'].item() == pytest.approx(BETA * sim.item(),
                                                      rel=1e-5)
    for key in ('top1_acc_view1', 'top1_acc_view2', 'cos_sim',
                'cos_sim_mismatched', 'z_std'):
        assert 'loss' not in key  # the runner sums every key with "loss"


def test_every_trainable_parameter_gets_a_gradient():
    model = _model()
    inputs, samples, _ = _batch()
    losses = model.loss(inputs, samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    missing = [
        name for name, p in model.named_parameters()
        if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)
    ]
    assert missing == []


def test_separate_and_batched_differ_only_through_batchnorm():
    inputs, samples, _ = _batch()
    sep, bat = _model('separate'), _model('batched')
    bat.load_state_dict(sep.state_dict())
    for model in (sep, bat):
        model.train()
        for m in model.backbone.modules():  # backbone BN in eval mode
            if isinstance(m, torch.nn.BatchNorm3d):
                m.eval()
    l_sep, l_bat = sep.loss(inputs, samples), bat.loss(inputs, samples)
    for key in ('loss_cls', 'loss_kd', 'loss_sim'):
        assert l_sep[key].item() == pytest.approx(l_bat[key].item(),
                                                  rel=1e-4, abs=1e-6)
    sep.train(), bat.train()  # train-mode BN: per-view vs joint statistics
    l_sep, l_bat = sep.loss(inputs, samples), bat.loss(inputs, samples)
    assert abs(l_sep['loss_cls'].item() - l_bat['loss_cls'].item()) > 1e-4


@pytest.mark.parametrize('shape', [(2, 1, 3, 8, 32, 32), (2, 3, 3, 8, 32, 32),
                                   (2, 3, 8, 32, 32)])
def test_wrong_view_count_is_a_clear_error(shape):
    model = _model()
    _, samples, _ = _batch(n=2)
    with pytest.raises(ValueError, match=r'\[N, 2, C, T, H, W\]'):
        model.loss(torch.randn(*shape), samples)


def test_bad_view_forward_named():
    with pytest.raises(ValueError, match="'twice'"):
        MODELS.build(dict(_cfg(), view_forward='twice'))


def test_predict_is_plain_recognizer3d():
    """Test-time: encoder + FC only, multi-clip softmax averaging."""
    model = _model()
    model.cls_head.average_clips = 'prob'
    model.eval()
    plain = MODELS.build(
        dict(type='Recognizer3D', backbone=copy.deepcopy(_cfg()['backbone']),
             cls_head=dict(_cfg()['cls_head'], average_clips='prob')))
    state = {k: v for k, v in model.state_dict().items()
             if not k.startswith('siamese_head.')}
    plain.load_state_dict(state, strict=True)
    plain.eval()
    inputs = torch.randn(2, 3, 3, 8, 32, 32)  # 3 test clips per video
    samples = [ActionDataSample() for _ in range(2)]
    with torch.no_grad():
        out = model.predict(inputs, copy.deepcopy(samples))
        ref = plain.predict(inputs, copy.deepcopy(samples))
    for a, b in zip(out, ref):
        scores = a.pred_scores.item
        assert scores.sum().item() == pytest.approx(1.0, abs=1e-5)
        assert torch.allclose(scores, b.pred_scores.item, atol=1e-6)
