"""tools/analysis/results_table.py on fixture work dirs of finished runs."""
import json
import math

import pytest
from conftest import REPO_ROOT
from mmengine.config import Config

from mmskd.studies.results_table import find_runs, load_run, results_tables
from helpers.tools import load_tool

TABLE2 = REPO_ROOT / 'configs' / 'table2'


def _run(work_dir, config, video=None, clip=None, drop=()):
    """A finished run as MMEngine and tools/test.py leave it."""
    work_dir.mkdir(parents=True)
    cfg = Config.fromfile(str(TABLE2 / config))
    for key in drop:
        cfg.pop(key)
    cfg.dump(str(work_dir / config))  # what Runner.dump_config writes
    (work_dir / 'vis_data').mkdir()  # unrelated files are ignored
    for name, metrics in (('test_video.json', video), ('test_clip.json',
                                                       clip)):
        if metrics is not None:
            metrics = dict(zip(('acc/top1', 'acc/top5', 'acc/mean1'), metrics))
            metrics['checkpoint'] = str(work_dir / 'best_acc_top1_epoch_3.pth')
            (work_dir / name).write_text(json.dumps(metrics))
    return work_dir


def _cells(table, method):
    line = next(ln for ln in table.splitlines()
                if ln.startswith(f'| {method} '))
    return [c.strip() for c in line.strip('|').split('|')]


def _by_hand(values):
    pct = [100 * v for v in values]
    mean = sum(pct) / len(pct)
    std = math.sqrt(sum((v - mean)**2 for v in pct) / (len(pct) - 1))
    return f'{mean:.1f} ± {std:.1f}'


@pytest.fixture
def runs(tmp_path):
    base = 'r18_synthetic_demo_baseline.py'
    top1 = (0.40, 0.45, 0.47)
    for seed, t1 in enumerate(top1):
        _run(
            tmp_path / 'baseline' / f'seed{seed}',
            base,
            video=(t1, 0.9, t1 - 0.05),
            clip=(t1 - 0.1, 0.8, 0.3))
    _run(
        tmp_path / 'skd' / 'seed0',
        'r18_synthetic_demo_skd_srl.py',
        video=(0.70, 0.95, 0.69))
    _run(
        tmp_path / 'skd' / 'seed1',
        'r18_synthetic_demo_skd_srl.py',
        video=(0.60, 0.93))  # no mean class accuracy in this one
    # A config without the Table II keys, as Table I's: labels are guessed.
    _run(
        tmp_path / 'kd' / 'seed0',
        'r18_synthetic_demo_kd_r50.py',
        video=(0.5, 0.9, 0.5),
        drop=('method_name', 'teacher_name'))
    (tmp_path / 'untested').mkdir()  # trained, not tested: not a run
    return tmp_path, top1


def test_rows_are_mean_and_std_over_seeds(runs):
    root, top1 = runs
    table = results_tables([str(root / d) for d in ('baseline', 'skd', 'kd')])
    video = table.split('\n\n')[1]  # [protocol line, table, ...]
    methods = [ln.split('|')[1].strip() for ln in video.splitlines()[2:]]
    assert methods == ['Baseline', 'SKD-SRL', 'KD']  # argument order
    assert _cells(video, 'Baseline') == [
        'Baseline', 'None',
        _by_hand(top1), '90.0 ± 0.0',
        _by_hand([t - 0.05 for t in top1]), '3'
    ]
    assert _cells(video, 'SKD-SRL') == [
        'SKD-SRL', 'itself',
        _by_hand([0.7, 0.6]),
        _by_hand([0.95, 0.93]), '-', '2'
    ]
    assert _cells(video, 'KD') == ['KD', 'R3D-50', '50.0', '90.0', '50.0', '1']


def test_each_protocol_gets_its_own_table_and_line(runs):
    root, top1 = runs
    table = results_tables([str(root)])
    video, clip = table.split('\n\nProtocol: ')
    assert video.startswith('Protocol: video accuracy')
    assert '10 clips x 1 centre crop per video' in video
    assert 'test set data/synthetic/test.txt' in video
    assert clip.startswith('clip accuracy, 1 clip x 1 centre crop')
    assert 'SKD-SRL' not in clip  # tested with the video protocol only
    assert _cells(clip, 'Baseline')[2] == _by_hand([t - 0.1 for t in top1])
    only_clip = results_tables([str(root)], protocols=['clip'])
    assert only_clip == 'Protocol: ' + clip


def test_run_discovery_and_errors(runs, tmp_path_factory):
    root, _ = runs
    assert len(find_runs([str(root)])) == 6
    assert load_run(str(root / 'kd' / 'seed0')).method == 'KD'
    other = _run(
        tmp_path_factory.mktemp('x') / 'ucf',
        'r18_ucf101_skd_srl.py',
        video=(0.7, 0.9, 0.7))
    with pytest.raises(ValueError, match='different sets'):
        results_tables([str(root), str(other)])
    (other / 'extra.py').write_text('x = 1\n')
    with pytest.raises(ValueError, match='expected the one config'):
        load_run(str(other))
    with pytest.raises(FileNotFoundError, match='no test_video.json'):
        results_tables([str(root / 'untested')])


def test_cli(runs, capsys):
    # in-process: a subprocess costs seconds
    cli = load_tool(REPO_ROOT / 'tools/analysis/results_table.py')
    root, _ = runs
    assert cli.main([str(root / 'baseline'), '--protocol', 'video']) == 0
    out = capsys.readouterr().out
    assert out.startswith('Protocol: video') and '| Baseline |' in out
    assert cli.main([str(root / 'nope')]) == 1
    assert 'not a directory' in capsys.readouterr().err


def test_cli_plot_draws_every_seed(runs, capsys):
    cli = load_tool(REPO_ROOT / 'tools/analysis/results_table.py')
    root, top1 = runs
    png = root / 'chart.png'
    assert cli.main([str(root / 'baseline'), str(root / 'skd'),
                     '--plot', str(png)]) == 0
    data = json.loads((root / 'chart.json').read_text())['rows']
    assert data['Baseline']['video top-1'] == pytest.approx(
        [100 * t for t in top1])
    assert data['SKD-SRL']['video top-1'] == pytest.approx([70.0, 60.0])
    assert png.stat().st_size > 5000
