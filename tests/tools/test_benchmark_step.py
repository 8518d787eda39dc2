"""The step benchmark's machinery (its figures come from the script)."""
import pytest
import torch

from mmskd.benchmarks.step import build_pair, compare_step, time_alternating


def test_pair_shares_the_encoder_architecture():
    pair = build_pair(18, num_classes=7)
    skd = {k: v.shape for k, v in pair['skd'].state_dict().items()
           if not k.startswith('siamese_head.')}
    plain = {k: v.shape for k, v in pair['plain'].state_dict().items()}
    assert skd == plain


def test_time_alternating_interleaves_calls():
    calls = []
    steps = {'a': lambda: calls.append('a'), 'b': lambda: calls.append('b')}
    sec = time_alternating(steps, repeats=2, warmup=1)
    assert calls == ['a', 'b', 'a', 'b', 'a', 'b']
    assert set(sec) == {'a', 'b'}


def test_compare_step_reports_the_ratio_of_its_timings():
    torch.set_num_threads(1)
    r = compare_step(2, (4, 32, 32), repeats=1)
    assert r['ratio'] == pytest.approx(r['skd_step_s'] / r['plain_2n_step_s'])
    assert r['ratio_separate'] == pytest.approx(
        r['skd_separate_step_s'] / r['plain_2n_step_s'])
