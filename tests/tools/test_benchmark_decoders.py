"""Decoder comparison: every backend reads the same frames of a clip."""

import numpy as np
import pytest

from conftest import REPO_ROOT
from mmskd.benchmarks.data import write_test_video
from mmskd.benchmarks.decoders import (available, clip_indices, compare,
                                       read_decord, read_pyav)
from helpers.tools import load_tool


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    path = tmp_path_factory.mktemp('dec') / 'v.mp4'
    return write_test_video(str(path), num_frames=60, size=(96, 64), gop=12)


def test_pyav_seek_reads_decords_frames(video):
    for indices in ([0, 1, 2], [13, 14, 15, 16], [47, 48, 59], [30, 31]):
        a, b = read_decord(video, indices), read_pyav(video, indices)
        assert a.shape == b.shape == (len(indices), 64, 96, 3)
        assert np.array_equal(a, b), indices


def test_compare_reports_speed_and_agreement(video, capsys):
    result = compare([video], available(['decord', 'pyav']), clips=4,
                     clip_len=8)
    assert set(result) == {'decord', 'pyav'}
    for r in result.values():
        assert r['clips_per_s'] > 0 and r['identical_fraction'] == 1.0
    rng = np.random.default_rng(0)
    assert clip_indices(5, 8, rng) == [0, 1, 2, 3, 4, 0, 1, 2]  # loops


def test_cli_on_a_list(video, tmp_path, capsys):
    cli = load_tool(REPO_ROOT / 'tools/analysis/benchmark_decoders.py')
    ann = tmp_path / 'list.txt'
    ann.write_text(f'{video} 0\n')
    assert cli.main(['--ann-file', str(ann), '--clips', '3',
                     '--backends', 'decord', 'pyav']) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert 'decord' in out and 'pyav' in out and '100.0%' in out
    # progress (plain lines without a terminal) goes to stderr, results
    # stay alone on stdout
    assert 'clips of list.txt' in captured.err and '3/3' in captured.err
    assert 'clips of' not in out
