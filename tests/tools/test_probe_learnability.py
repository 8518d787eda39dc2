"""tools/analysis/probe_learnability.py on a tiny generated dataset."""
import re

import numpy as np
import torch

from conftest import REPO_ROOT
from mmskd.datasets import synthetic as syn
from helpers.tools import load_tool


def _load_tool():
    path = REPO_ROOT / 'tools/analysis/probe_learnability.py'
    return load_tool(path)


def test_probe_loads_clips_and_reports_each_interval(tmp_path, capsys):
    root = tmp_path / 'synthetic'
    cfg = syn.SyntheticConfig(videos_per_class=2, actors=4, frames=(12, 20),
                              size=(48, 64), classes=('blink', 'static'))
    syn.generate_dataset(root, cfg, workers=1)
    probe = _load_tool()
    x, y = probe.load_split(str(root), 'train', 2, np.random.default_rng(0))
    # short videos (12-20 frames < 16-frame span + start) still give clips
    assert x.dtype == torch.uint8 and x.shape[1:] == (3, 8, 64, 64)
    train_videos = len((root / 'train.txt').read_text().splitlines())
    assert len(x) == len(y) == 2 * train_videos  # --clips 2 per video
    assert set(y.tolist()) <= {0, 1}
    torch.set_num_threads(1)
    probe.main([str(root), '--steps', '2', '--every', '1', '--clips', '1',
                '--batch-size', '2'])
    lines = re.findall(r'step (\d+) train_loss ([\d.]+) val_top1 ([\d.]+)',
                       capsys.readouterr().out)
    assert [int(s) for s, _, _ in lines] == [1, 2]
    assert all(0 <= float(acc) <= 1 for _, _, acc in lines)
