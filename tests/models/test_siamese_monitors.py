"""The Siamese branch's monitors on inputs whose answers are known."""
import math

import pytest
import torch

from mmskd.models.heads.siamese_monitors import siamese_monitors


def _orthonormal(n, d, seed=0):
    q, _ = torch.linalg.qr(torch.randn(d, n, generator=torch.Generator()
                                       .manual_seed(seed)))
    return q.t()  # [n, d], rows orthonormal


def test_aligned_views_of_orthogonal_videos():
    # v of each video points exactly at the other view's z (matched cosine
    # 1), and different videos are orthogonal (mismatched cosine 0).
    e = _orthonormal(6, 16)
    out = siamese_monitors(z1=3 * e, z2=2 * e, v1=5 * e, v2=0.5 * e)
    assert out['cos_sim'].item() == pytest.approx(1.0, abs=1e-6)
    assert out['cos_sim_mismatched'].item() == pytest.approx(0.0, abs=1e-6)


def test_mismatched_is_the_off_diagonal_mean():
    # v1_i = v2_i = a, z_j = a + b_j with unit a, b_j orthogonal to a and to
    # each other: every cosine is 1 / sqrt(2) except where noted below.
    e = _orthonormal(5, 8)
    a, b = e[0], e[1:]  # b: [4, 8]
    z = a + b  # [4, 8]
    v = a.expand(4, 8)
    out = siamese_monitors(z, z, v, v)
    half = 1 / math.sqrt(2)
    assert out['cos_sim'].item() == pytest.approx(half, abs=1e-6)
    assert out['cos_sim_mismatched'].item() == pytest.approx(half, abs=1e-6)
    # Now v_i = b_i: matched cos(b_i, a + b_i) = 1/sqrt(2), mismatched
    # cos(b_i, a + b_j) = 0 for j != i.
    out = siamese_monitors(z, z, b, b)
    assert out['cos_sim'].item() == pytest.approx(half, abs=1e-6)
    assert out['cos_sim_mismatched'].item() == pytest.approx(0.0, abs=1e-6)


def test_mismatched_pairs_one_view_against_the_other():
    # View 1 of video i against view 2 of video j: make v1 = z2 shifted by
    # one video, so that only the pairs (i, i+1) align. Mean over the N(N-1)
    # ordered pairs i != j of half the (v1, z2) and (v2, z1) cosines.
    n = 4
    e = _orthonormal(n, 8)
    out = siamese_monitors(z1=e, z2=e, v1=e.roll(1, 0), v2=e.roll(1, 0))
    assert out['cos_sim'].item() == pytest.approx(0.0, abs=1e-6)
    assert out['cos_sim_mismatched'].item() == pytest.approx(
        n / (n * (n - 1)), abs=1e-6)


def test_collapse_measure():
    torch.manual_seed(0)
    one = torch.randn(1, 64)
    collapsed = siamese_monitors(*(one.expand(32, 64),) * 4)
    assert collapsed['z_std'].item() == pytest.approx(0.0, abs=1e-6)
    # Isotropic Gaussian z: each normalised coordinate has std 1/sqrt(d).
    z = torch.randn(4096, 64)
    healthy = siamese_monitors(z[:2048], z[2048:], z[:2048], z[2048:])
    assert healthy['z_std'].item() == pytest.approx(1.0, abs=0.03)
    # Scale does not matter (z is L2-normalised first); a shared offset
    # pulls every z towards one direction and lowers it.
    scaled = siamese_monitors(7 * z[:2048], 7 * z[2048:], z[:2048], z[2048:])
    torch.testing.assert_close(scaled['z_std'], healthy['z_std'])
    shifted = siamese_monitors(z[:2048] + 4, z[2048:] + 4, z[:2048],
                               z[2048:])
    assert shifted['z_std'].item() < 0.5


def test_detached_and_single_video():
    z = torch.randn(1, 8, requires_grad=True)
    out = siamese_monitors(z, z, z, z)
    assert set(out) == {'cos_sim', 'z_std'}  # no mismatched pair exists
    assert not any(v.requires_grad for v in out.values())
