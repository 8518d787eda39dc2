"""SiameseHead: projector g, predictor q and L_sim (Eq. 3) on two views."""
import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS

from mmskd.models.heads import SiameseHead


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


@pytest.fixture(scope='module')
def head():
    torch.manual_seed(0)
    return MODELS.build(dict(type='SiameseHead', in_channels=512))


@pytest.mark.parametrize('shape', [(3, 512, 1, 4, 4), (3, 512, 2, 7, 7),
                                   (3, 512)])
def test_output_shapes(head, shape):
    z, v = head(torch.randn(shape))
    assert z.shape == (3, 2048) and v.shape == (3, 2048)


def test_pools_the_feature_map_by_mean(head):
    feat = torch.randn(4, 512, 2, 3, 3)
    for a, b in zip(head(feat), head(feat.mean(dim=(2, 3, 4)))):
        torch.testing.assert_close(a, b)
    # Pooling is a mean, not a max or a flatten: a changed map with the same
    # mean gives the same output.
    shifted = feat.clone()
    shifted[:, :, 0, 0, 0] += 1.0
    shifted[:, :, 1, 2, 2] -= 1.0
    torch.testing.assert_close(head(shifted)[1], head(feat)[1])


def test_exact_parameter_count_and_structure():
    c, d, h = 512, 2048, 512
    projector = c * d + d  # Linear(c, d) with bias, no BN
    predictor = d * h + 2 * h + h * d + d  # Linear no bias, BN, Linear
    plain = SiameseHead(in_channels=c)
    assert n_params(plain.projector) == projector
    assert n_params(plain.predictor) == predictor
    assert n_params(plain) == projector + predictor
    assert plain.predictor[0].bias is None
    assert isinstance(plain.predictor[2], nn.ReLU)
    assert not any(isinstance(m, nn.BatchNorm1d) for m in plain.projector)
    with_bn = SiameseHead(in_channels=c, proj_out_bn=True)
    assert n_params(with_bn) == projector + predictor  # BN has no params
    bn = with_bn.projector[-1]
    assert isinstance(bn, nn.BatchNorm1d) and not bn.affine
    assert bn.num_features == d and bn.track_running_stats
    r3d50 = SiameseHead(in_channels=2048)  # R3D-50 width
    assert n_params(r3d50) == 2048 * d + d + predictor


def test_proj_out_bn_normalises_z():
    torch.manual_seed(1)
    z, _ = SiameseHead(
        in_channels=16, proj_channels=32,
        proj_out_bn=True).train()(3 + torch.randn(64, 16))
    torch.testing.assert_close(z.mean(0), torch.zeros(32), atol=1e-5, rtol=0)
    torch.testing.assert_close(
        z.var(0, unbiased=False), torch.ones(32), atol=1e-3, rtol=0)


@pytest.mark.parametrize('proj_out_bn', [False, True])
def test_loss_keys_values_and_every_parameter_gets_gradient(proj_out_bn):
    torch.manual_seed(2)
    head = SiameseHead(
        in_channels=32,
        proj_channels=64,
        pred_hidden_channels=16,
        proj_out_bn=proj_out_bn)
    out = head.loss(torch.randn(4, 32, 1, 2, 2), torch.randn(4, 32, 1, 2, 2))
    assert set(out) == {'loss_sim', 'cos_sim', 'cos_sim_mismatched', 'z_std'}
    assert torch.isfinite(out['loss_sim']) and -1 <= out['cos_sim'] <= 1
    assert not any(out[k].requires_grad
                   for k in ('cos_sim', 'cos_sim_mismatched', 'z_std'))
    # loss_weight 1: L_sim = -(mean cosine), so the metric mirrors the loss.
    torch.testing.assert_close(out['cos_sim'], -out['loss_sim'].detach())
    out['loss_sim'].backward()
    for name, param in head.named_parameters():
        assert param.grad is not None, name
        assert param.grad.abs().sum() > 0, name


def test_loss_config_is_built_and_used():
    torch.manual_seed(3)
    head = SiameseHead(
        in_channels=8,
        proj_channels=16,
        pred_hidden_channels=4,
        loss_sim=dict(type='SiameseSimilarityLoss', loss_weight=2.5))
    out = head.loss(torch.randn(3, 8), torch.randn(3, 8))
    torch.testing.assert_close(out['loss_sim'].detach(), -2.5 * out['cos_sim'])


def test_loss_stops_gradient_into_the_other_views_projection():
    # Each feat reaches L_sim through its own v and, stopped, through its z.
    # With the predictor's output weight zeroed, v = bias is a constant, so
    # the only remaining paths are the stopped z: no input gets a gradient.
    # (Without the stop-gradient both would.)
    torch.manual_seed(4)
    head = SiameseHead(in_channels=8, proj_channels=16, pred_hidden_channels=4)
    nn.init.zeros_(head.predictor[3].weight)
    feat1, feat2 = (torch.randn(3, 8, requires_grad=True) for _ in range(2))
    head.loss(feat1, feat2)['loss_sim'].backward()
    assert torch.count_nonzero(feat2.grad) == 0
    assert torch.count_nonzero(feat1.grad) == 0


def test_training_batch_of_one_video_adds_no_loss_but_keeps_the_graph():
    torch.manual_seed(5)
    head = SiameseHead(in_channels=8, proj_channels=16, pred_hidden_channels=4)
    out = head.train().loss(torch.randn(1, 8), torch.randn(1, 8))
    assert set(out) == {'loss_sim'} and out['loss_sim'].item() == 0.0
    out['loss_sim'].backward()  # every parameter is reached (DDP), by zero
    for name, param in head.named_parameters():
        assert param.grad is not None and not param.grad.any(), name
    # BN running statistics are left alone by the skipped batch
    bn = head.predictor[1]
    assert bn.num_batches_tracked.item() == 0


def test_bad_inputs_and_arguments(head):
    with pytest.raises(ValueError, match='batch size 1.*drop_last'):
        head.train()(torch.randn(1, 512))
    z, v = head.eval()(torch.randn(1, 512))  # eval: BN uses running stats
    assert v.shape == (1, 2048)
    head.train()
    with pytest.raises(ValueError, match=r'\(2, 256, 1, 4, 4\)'):
        head(torch.randn(2, 256, 1, 4, 4))
    with pytest.raises(ValueError, match=r'\(2, 512, 4, 4\)'):
        head(torch.randn(2, 512, 4, 4))
    with pytest.raises(ValueError, match='in_channels must be'):
        SiameseHead(in_channels=0)
