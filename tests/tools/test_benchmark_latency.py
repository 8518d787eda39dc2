"""The latency benchmark's machinery on a tiny model (its figures come from
the script; no timing is asserted here)."""
import json

import numpy as np
import pytest
import torch
from torch import nn

from conftest import REPO_ROOT
from mmskd.deployment import latency
from helpers.tools import load_tool


class TinyNet(nn.Module):
    """Same interface as InferenceNet: pixels -> (logits, scores)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 5)  # 3 * 5 multiply-adds, 20 parameters

    def forward(self, clips):
        logits = self.fc(clips.mean(dim=(2, 3, 4)))  # [N, 3] -> [N, 5]
        return logits, logits.softmax(dim=-1)


def test_time_interleaved_rotates_the_order():
    calls = []
    fns = {k: (lambda k=k: calls.append(k)) for k in 'abc'}
    timed = latency.time_interleaved(fns, repeats=3, warmup=1)
    assert calls == list('abc'
                         'abc'
                         'bca'
                         'cab')
    assert set(timed) == set('abc')
    assert all(t['p90_ms'] >= t['median_ms'] >= 0 for t in timed.values())


def test_p90_matches_numpy():
    values = list(np.random.default_rng(0).random(17))
    assert latency._p90(values) == pytest.approx(np.percentile(values, 90))


def test_benchmark_rows_and_table(tmp_path):
    torch.manual_seed(0)
    rows = latency.benchmark({'tiny': TinyNet().eval()}, (2, 8, 8),
                             str(tmp_path),
                             repeats=2,
                             warmup=1,
                             threads=1)
    (row, ) = rows
    assert row['params'] == 20
    assert row['flops'] >= 15  # the FC; MMEngine may count the mean too
    assert row['speedup'] == pytest.approx(row['eager_median_ms'] /
                                           row['ort_median_ms'])
    assert (tmp_path / 'tiny.onnx').is_file()  # ORT ran the exported graph
    table = latency.markdown_table(rows).splitlines()
    assert len(table) == 3 and table[2].startswith('| tiny | ')
    assert table[2].count('|') == table[0].count('|') == 7


def test_r3d_builder_counts_match_hara():
    net = latency.build_r3d(18, num_classes=101)
    params = sum(p.numel() for p in net.parameters())
    assert params == pytest.approx(33.2e6, rel=0.01)  # Hara et al.: 33.2M
    assert net(torch.zeros(1, 3, 4, 32, 32))[1].shape == (1, 101)


def test_tool_prints_table_then_json(monkeypatch, capsys):
    tool = load_tool(REPO_ROOT / 'tools/analysis/benchmark_latency.py')
    monkeypatch.setattr(tool, 'build_r3d', lambda depth, k: TinyNet())
    summary = tool.main([
        '--repeats', '1', '--warmup', '0', '--threads', '1', '--shape', '2',
        '8', '8'
    ])
    lines = capsys.readouterr().out.strip().splitlines()
    assert json.loads(lines[-1]) == summary
    assert [r['model'] for r in summary['rows']] == ['R3D-18', 'R3D-50']
    assert lines[1].startswith('| model |') and len(lines) == 6
