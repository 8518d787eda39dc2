"""ViewDistillationLoss (Eq. 2), SiameseSimilarityLoss (Eq. 3, 4), KDLoss.

Each loss is checked three ways: against numbers derived by hand, against an
independent numpy/plain-torch expression of the equation, and on invariants
(zeros, temperature limits, pinned stop-gradients, argument errors).
"""
import math
import re

import numpy as np
import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS

from mmskd.models.losses import (KDLoss, SiameseSimilarityLoss,
                                 ViewDistillationLoss)

MODES = ('sum', 'mean', 'symmetric')
LN2 = math.log(2.0)


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def np_softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def np_kl(t, s):
    """KL(t || s) per row summed over classes, then the batch mean."""
    return float((t * (np.log(t) - np.log(s))).sum(axis=1).mean())


def np_view_kd(p1, p2, tau, mode):
    """Eq. 2 (METHOD.md section 1) in float64 numpy, values only."""
    q1, q2 = np_softmax(p1 / tau), np_softmax(p2 / tau)
    if mode == 'symmetric':
        return np_kl(q1, q2) + np_kl(q2, q1)
    p = p1 + p2 if mode == 'sum' else (p1 + p2) / 2
    t = np_softmax(p / tau)
    return np_kl(t, q1) + np_kl(t, q2)


def torch_kl(t, s_logits):
    """KL(t || softmax(s_logits)) written out, gradient flows into both."""
    return (t * (t.log() - s_logits.log_softmax(1))).sum(1).mean()


def torch_view_kd(p1, p2, tau, mode, detach):
    """Eq. 2 in plain torch, the teacher made a constant when ``detach``."""
    const = (lambda x: x.detach().clone()) if detach else (lambda x: x)
    if mode == 'symmetric':
        q1, q2 = const((p1 / tau).softmax(1)), const((p2 / tau).softmax(1))
        return torch_kl(q1, p2 / tau) + torch_kl(q2, p1 / tau)
    p = p1 + p2 if mode == 'sum' else (p1 + p2) / 2
    t = (const(p) / tau).softmax(1)
    return torch_kl(t, p1 / tau) + torch_kl(t, p2 / tau)


# ---------------------------------------------------------------- L_kd values
def test_view_kd_hand_derived_two_classes():
    # Batch of 2, tau = 2. Row B: p1 = p2 = 0, every distribution is uniform,
    # so row B adds 0 and the batch mean halves row A (not /4, not x1).
    # Row A: p1 = [2, 0], p2 = [0, 0]; softmax([a, 0]) = [sig(a), sig(-a)].
    #   q1 = softmax(p1/2) = [s, 1-s], s = sig(1); q2 = u = [1/2, 1/2].
    #   c := KL(q1 || u) = s*log(2s) + (1-s)*log(2(1-s)).
    #   KL(u || q1) = -log2 - log(s(1-s))/2, and s(1-s) = e/(1+e)^2, so
    #               = log(1+e) - 1/2 - log2.
    #   sum:  t = softmax([2,0]/2) = q1 -> KL(t||q1) = 0, KL(t||q2) = c.
    #   mean: t = softmax([1,0]/2) = [m, 1-m], m = sig(1/2):
    #         KL(t||q1) = m log(m/s) + (1-m) log((1-m)/(1-s)),
    #         KL(t||q2) = m log(2m) + (1-m) log(2(1-m)).
    #   symmetric: KL(q1||q2) + KL(q2||q1) = c + log(1+e) - 1/2 - log2.
    s, m = sig(1.0), sig(0.5)
    c = s * math.log(2 * s) + (1 - s) * math.log(2 * (1 - s))
    kl_t_q1 = m * math.log(m / s) + (1 - m) * math.log((1 - m) / (1 - s))
    kl_t_u = m * math.log(2 * m) + (1 - m) * math.log(2 * (1 - m))
    row_a = dict(
        sum=c,
        mean=kl_t_q1 + kl_t_u,
        symmetric=c + math.log(1 + math.e) - 0.5 - LN2)
    p1 = torch.tensor([[2.0, 0.0], [0.0, 0.0]], dtype=torch.float64)
    p2 = torch.zeros(2, 2, dtype=torch.float64)
    for mode in MODES:
        for tau_squared, factor in ((False, 1.0), (True, 4.0)):
            loss = ViewDistillationLoss(
                tau=2.0, target=mode, tau_squared=tau_squared)(p1, p2)
            assert loss.item() == pytest.approx(
                factor * row_a[mode] / 2, rel=1e-12), mode


def test_view_kd_hand_derived_opposite_views():
    # tau = 1, p1 = [1, 0], p2 = [0, 1]: p1 + p2 = [1, 1] so t = [1/2, 1/2];
    # each view's KL(u || softmax) = log(1+e) - 1/2 - log2 (derived above).
    p1 = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    p2 = torch.tensor([[0.0, 1.0]], dtype=torch.float64)
    loss = ViewDistillationLoss(tau=1.0, loss_weight=0.1)(p1, p2)
    expected = 0.1 * 2 * (math.log(1 + math.e) - 0.5 - LN2)
    assert loss.item() == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(0.0240229, abs=1e-7)  # 0.1 * 0.240229


@pytest.mark.parametrize('mode', MODES)
@pytest.mark.parametrize('tau_squared', [False, True])
def test_view_kd_matches_numpy_reference(mode, tau_squared):
    gen = torch.Generator().manual_seed(0)
    p1, p2 = (3 * torch.randn(5, 7, generator=gen) for _ in range(2))
    tau, weight = 4.0, 0.3
    loss = ViewDistillationLoss(tau, mode, True, tau_squared, weight)(p1, p2)
    ref = np_view_kd(p1.double().numpy(), p2.double().numpy(), tau, mode)
    ref *= weight * (tau**2 if tau_squared else 1.0)
    assert loss.item() == pytest.approx(ref, rel=1e-5)


# ------------------------------------------------------------ L_kd invariants
def test_view_kd_identical_views():
    p = torch.tensor([[2.0, -1.0, 0.5], [0.0, 0.0, 0.0]], dtype=torch.float64)
    for mode in ('symmetric', 'mean'):  # teacher == student: exactly zero
        loss = ViewDistillationLoss(tau=2.0, target=mode)(p, p.clone())
        assert loss.item() == pytest.approx(0.0, abs=1e-12), mode
    # 'sum' with p1 = p2 = p: t = softmax(2p/tau) is sharper than each
    # student softmax(p/tau), so L = 2 KL(softmax(2p/tau) || softmax(p/tau)),
    # > 0 for a non-constant row and 0 only for a row constant over classes.
    loss = ViewDistillationLoss(tau=2.0, target='sum')(p, p.clone())
    t, s = np_softmax(2 * p.numpy() / 2.0), np_softmax(p.numpy() / 2.0)
    row0 = float((t[0] * np.log(t[0] / s[0])).sum())
    assert row0 > 0.01
    assert loss.item() == pytest.approx(2 * row0 / 2, rel=1e-12)


@pytest.mark.parametrize('mode', MODES)
def test_view_kd_temperature_limits(mode):
    gen = torch.Generator().manual_seed(1)
    p1, p2 = (
        torch.randn(4, 6, generator=gen, dtype=torch.float64)
        for _ in range(2))
    at_1 = ViewDistillationLoss(tau=1.0, target=mode)(p1, p2).item()
    at_1k = ViewDistillationLoss(tau=1e3, target=mode)(p1, p2).item()
    assert at_1 > 0.01 and at_1k < 1e-5 * at_1  # large tau: KL -> 0
    # Second order: tau^2 KL(softmax(a/tau) || softmax(b/tau)) ->
    # Var_k(a - b) / 2 (population variance over the classes). Per mode,
    # sum: a - b = p2 and p1; mean: +-(p2 - p1)/2; symmetric: +-(p1 - p2).
    var = lambda d: d.var(dim=1, unbiased=False).mean().item()  # noqa: E731
    limit = {
        'sum': (var(p1) + var(p2)) / 2,
        'mean': var(p1 - p2) / 4,
        'symmetric': var(p1 - p2),
    }[mode]
    scaled = ViewDistillationLoss(1e3, mode, tau_squared=True)(p1, p2)
    assert scaled.item() == pytest.approx(limit, rel=1e-2)


# ------------------------------------------------------- L_kd stop-gradients
@pytest.mark.parametrize('mode', MODES)
def test_view_kd_gradients_pinned(mode):
    gen = torch.Generator().manual_seed(2)
    base = [
        torch.randn(3, 5, generator=gen, dtype=torch.float64) for _ in range(2)
    ]
    grads = {}
    for detach in (True, False):
        p1, p2 = (b.clone().requires_grad_() for b in base)
        ViewDistillationLoss(3.0, mode, detach)(p1, p2).backward()
        r1, r2 = (b.clone().requires_grad_() for b in base)
        torch_view_kd(r1, r2, 3.0, mode, detach).backward()
        torch.testing.assert_close(p1.grad, r1.grad)
        torch.testing.assert_close(p2.grad, r2.grad)
        grads[detach] = p1.grad
    if mode == 'mean':
        # Derived: t = softmax((p1 + p2) / (2 tau)) is the normalised geometric
        # mean of q1 and q2, the minimiser over t of KL(t||q1) + KL(t||q2),
        # so the gradient through the target is zero and detach changes
        # nothing for this mode.
        torch.testing.assert_close(grads[True], grads[False])
    else:
        assert not torch.allclose(grads[True], grads[False], atol=1e-6)


# --------------------------------------------------------- L_kd bad arguments
@pytest.mark.parametrize(
    'tau', [0, -1.0, float('inf'),
            float('nan'), 'ten', True, None])
def test_view_kd_rejects_bad_tau(tau):
    with pytest.raises(ValueError, match='tau must be'):
        ViewDistillationLoss(tau=tau)


def test_view_kd_rejects_bad_target_and_weight():
    with pytest.raises(ValueError, match="'max'"):
        ViewDistillationLoss(target='max')
    for weight in (float('nan'), float('inf'), '1', None):
        with pytest.raises(ValueError, match='loss_weight must be'):
            ViewDistillationLoss(loss_weight=weight)


@pytest.mark.parametrize('shape1,shape2', [((2, 3), (2, 4)), ((2, 3), (3, 3)),
                                           ((3, ), (3, )),
                                           ((2, 3, 1), (2, 3, 1))])
def test_view_kd_rejects_bad_shapes(shape1, shape2):
    loss = ViewDistillationLoss()
    with pytest.raises(ValueError, match=re_shapes(shape1, shape2)):
        loss(torch.zeros(shape1), torch.zeros(shape2))


def re_shapes(shape1, shape2):
    """Regex matching an error message that names both shapes."""
    return '.*'.join(re.escape(str(tuple(s))) for s in (shape1, shape2))


def test_losses_build_from_registry():
    for cfg, cls in ((dict(type='ViewDistillationLoss'), ViewDistillationLoss),
                     (dict(type='SiameseSimilarityLoss'),
                      SiameseSimilarityLoss), (dict(type='KDLoss'), KDLoss)):
        assert type(MODELS.build(cfg)) is cls


# ---------------------------------------------------------------------- L_sim
def cos_ref(a, b):
    """Row-wise cosine written out, [N]."""
    return (a * b).sum(1) / (a.norm(dim=1) * b.norm(dim=1))


@pytest.mark.parametrize('sign,expected', [(1.0, -1.0), (0.0, 0.0),
                                           (-1.0, 1.0)])
def test_sim_loss_parallel_orthogonal_antiparallel(sign, expected):
    # z = [2, 0] and v = sign * [1, 0] (or [0, 1] for sign 0): cos = sign.
    z = torch.tensor([[2.0, 0.0], [0.0, 3.0]])
    v = sign * z / 7 if sign else torch.tensor([[0.0, 5.0], [-4.0, 0.0]])
    loss = SiameseSimilarityLoss()(z, z.clone(), v, v.clone())
    assert loss.item() == expected


def test_sim_loss_hand_derived():
    # Row 1: cos(v1, z2) = [1,1].[1,0] / sqrt(2) = 1/sqrt(2);
    #        cos(v2, z1) = [3,4].[4,3] / 25 = 24/25.
    # Row 2: cos(v1, z2) = [0,1].[0,5] / 5 = 1;
    #        cos(v2, z1) = [1,0].[-1,0] = -1.
    # L = 0.5 * -(1/sqrt(2) + 1)/2 + 0.5 * -(24/25 - 1)/2, times loss_weight.
    v1 = torch.tensor([[1.0, 1.0], [0.0, 1.0]], dtype=torch.float64)
    z2 = torch.tensor([[1.0, 0.0], [0.0, 5.0]], dtype=torch.float64)
    v2 = torch.tensor([[3.0, 4.0], [1.0, 0.0]], dtype=torch.float64)
    z1 = torch.tensor([[4.0, 3.0], [-1.0, 0.0]], dtype=torch.float64)
    expected = -0.25 * (1 / math.sqrt(2) + 1) - 0.25 * (24 / 25 - 1)
    loss = SiameseSimilarityLoss(loss_weight=2.0)(z1, z2, v1, v2)
    assert loss.item() == pytest.approx(2.0 * expected, rel=1e-12)


def test_sim_loss_matches_reference_and_stops_gradient_into_z():
    gen = torch.Generator().manual_seed(3)
    base = [torch.randn(4, 8, generator=gen) for _ in range(4)]
    z1, z2, v1, v2 = (b.clone().requires_grad_() for b in base)
    loss = SiameseSimilarityLoss()(z1, z2, v1, v2)
    loss.backward()
    assert z1.grad is None and z2.grad is None  # stopgrad(z) of Eq. 3
    rv1, rv2 = (b.clone().requires_grad_() for b in base[2:])
    ref = -0.5 * cos_ref(rv1, base[1]).mean() - 0.5 * cos_ref(rv2,
                                                              base[0]).mean()
    ref.backward()
    torch.testing.assert_close(loss, ref)
    torch.testing.assert_close(v1.grad, rv1.grad)
    torch.testing.assert_close(v2.grad, rv2.grad)


def test_sim_loss_gradient_reaches_z_only_through_v():
    torch.manual_seed(4)
    g, q = nn.Linear(6, 8), nn.Linear(8, 8)
    r1, r2 = (torch.randn(5, 6, requires_grad=True) for _ in range(2))
    z1, z2 = g(r1), g(r2)
    v1, v2 = q(z1), q(z2)
    loss = SiameseSimilarityLoss()(z1, z2, v1, v2)
    dz1, dv1 = torch.autograd.grad(loss, [z1, v1], retain_graph=True)
    # q is linear, v = z W^T + b: through v alone dL/dz = dL/dv W.
    torch.testing.assert_close(dz1, dv1 @ q.weight)
    # Without the stop-gradient z1 would also get -0.5 d cos(v2, z1) / d z1.
    full = -0.5 * (cos_ref(v1, z2).mean() + cos_ref(v2, z1).mean())
    (dz1_full, ) = torch.autograd.grad(full, [z1])
    assert not torch.allclose(dz1_full, dz1, atol=1e-6)


def test_sim_loss_rejects_bad_shapes_and_weight():
    loss = SiameseSimilarityLoss()
    good = torch.zeros(2, 4)
    with pytest.raises(ValueError, match=r"'v2': \(2, 5\)"):
        loss(good, good, good, torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r'\[N, D\]'):
        loss(*(torch.zeros(4) for _ in range(4)))
    with pytest.raises(ValueError, match='loss_weight must be'):
        SiameseSimilarityLoss(loss_weight=float('nan'))


# --------------------------------------------------------------------- KDLoss
def test_kd_loss_hand_derived_and_teacher_detached():
    # tau = 2, student [0, 0] -> u = [1/2, 1/2]; teacher [2, 0] ->
    # softmax([1, 0]) = [s, 1-s], s = sig(1).
    # KL = s log(2s) + (1-s) log(2(1-s)).
    s = sig(1.0)
    kl = s * math.log(2 * s) + (1 - s) * math.log(2 * (1 - s))
    student = torch.zeros(1, 2, dtype=torch.float64, requires_grad=True)
    teacher = torch.tensor([[2.0, 0.0]],
                           dtype=torch.float64,
                           requires_grad=True)
    for tau_squared, factor in ((False, 1.0), (True, 4.0)):
        loss = KDLoss(
            tau=2.0, loss_weight=0.1, tau_squared=tau_squared)(student,
                                                               teacher)
        assert loss.item() == pytest.approx(0.1 * factor * kl, rel=1e-12)
    loss.backward()
    assert teacher.grad is None and student.grad is not None
    # d/ds KL(t || softmax(s/tau)) = (softmax(s/tau) - t) / tau, times 0.1*4.
    expected = 0.4 * (torch.tensor([[0.5, 0.5]]) - torch.tensor([[s, 1 - s]]))
    torch.testing.assert_close(student.grad, expected.double() / 2)


@pytest.mark.parametrize('tau_squared', [False, True])
def test_kd_loss_matches_numpy_reference_and_zero_on_equal(tau_squared):
    gen = torch.Generator().manual_seed(5)
    s, t = (2 * torch.randn(6, 4, generator=gen) for _ in range(2))
    loss = KDLoss(tau=3.0, tau_squared=tau_squared)(s, t)
    ref = np_kl(
        np_softmax(t.double().numpy() / 3), np_softmax(s.double().numpy() / 3))
    assert loss.item() == pytest.approx(
        ref * (9 if tau_squared else 1), rel=1e-5)
    assert KDLoss(tau=3.0)(s, s.clone()).item() == pytest.approx(0, abs=1e-7)


def test_kd_loss_rejects_bad_arguments():
    with pytest.raises(ValueError, match='-2'):
        KDLoss(tau=-2)
    with pytest.raises(ValueError, match='loss_weight must be'):
        KDLoss(loss_weight='x')
    with pytest.raises(ValueError, match=re_shapes((2, 3), (2, 4))):
        KDLoss()(torch.zeros(2, 3), torch.zeros(2, 4))
