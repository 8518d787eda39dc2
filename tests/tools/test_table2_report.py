"""docs/results.md of tools/analysis/run_table2.py, from fixture runs: the
discussion's numbers recomputed here, the notes kept, the write atomic."""
import json
import math

import pytest
from conftest import REPO_ROOT
from mmengine.config import Config

from mmskd.studies import table2_report
from mmskd.studies.results_table import results_tables
from mmskd.studies.table2_report import NOTES, row_stats, write_results
from mmskd.studies.table2_runner import ROWS, TEACHER, config_of

TOP1 = dict(  # % per seed; Self-KD below KD: one violated pair
    baseline=(40, 42, 44), baseline_aug=(41, 43, 48), kd_r50=(50, 52, 54),
    self_kd=(45, 47, 49), skd_srl_no_srl=(55, 56, 57), skd_srl=(60, 61, 62))
PAPER = ('baseline', 'baseline_aug', 'kd_r50', 'self_kd', 'skd_srl')
NAMES = dict(baseline='Baseline', baseline_aug='Baseline + data augment',
             kd_r50='KD', self_kd='Self-KD', skd_srl='SKD-SRL')


def _fake_run(work_dir, row, top1):
    """A trained and tested run, as MMEngine and tools/test.py leave it."""
    work_dir.mkdir(parents=True)
    config = REPO_ROOT / config_of(row)
    Config.fromfile(str(config)).dump(str(work_dir / config.name))
    for name, clips in (('test_video.json', 10), ('test_clip.json', 1)):
        metrics = {'acc/top1': top1 / 100, 'acc/top5': 0.9,
                   'acc/mean1': 0.5, 'num_clips': clips}
        (work_dir / name).write_text(json.dumps(metrics))


@pytest.fixture(scope='module')
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp('table2')
    _fake_run(root / TEACHER, TEACHER, 70)
    for row, values in TOP1.items():
        for seed, top1 in enumerate(values):
            _fake_run(root / row / f'seed{seed}', row, top1)
    return root


def _mean_std(values):
    mean = sum(values) / len(values)
    var = sum((v - mean)**2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(var)


def _write(root, out, facts=('- fact',)):
    tables = results_tables([str(root / d) for d in (TEACHER, *ROWS)])
    write_results(str(out), tables, list(facts), row_stats(str(root), ROWS))
    return out.read_text()


def test_discussion_numbers_are_the_measured_ones(root, tmp_path):
    text = _write(root, tmp_path / 'results.md')
    assert '| KD teacher (R3D-50 + data augment) | None | 70.0 |' in text
    discussion = text[text.index('## Discussion'):text.index(NOTES)]
    base_mean, base_std = _mean_std(TOP1['baseline'])
    for row, values in TOP1.items():
        mean, std = _mean_std(values)
        line = next(ln for ln in discussion.splitlines()
                    if f'(`{row}`, 3 seeds)' in ln)
        assert f'top-1 {mean:.2f} ± {std:.2f}' in line
        if row == 'baseline':
            continue
        delta, spread = mean - base_mean, max(std, base_std)
        assert f'vs Baseline {delta:+.2f} points' in line
        assert ('beyond the seed spread' if abs(delta) > spread else
                'within seed spread') in line
    assert 'within seed spread' in discussion  # baseline_aug: +2 vs 3.6
    means = {r: _mean_std(TOP1[r])[0] for r in PAPER}
    bad = [(a, b) for i, a in enumerate(PAPER) for b in PAPER[i + 1:]
           if means[a] >= means[b]]
    assert bad == [('kd_r50', 'self_kd')]
    assert f'violated by {len(bad)} of 10 pairs' in discussion
    assert (f'{NAMES["kd_r50"]} ({means["kd_r50"]:.2f}) is not below '
            f'{NAMES["self_kd"]} ({means["self_kd"]:.2f})') in discussion


def test_ordering_holds_and_missing_rows(root, tmp_path):
    stats = row_stats(str(root), ['baseline', 'kd_r50', 'skd_srl'])
    lines = '\n'.join(table2_report.discussion(stats))
    assert 'holds for all 3 pairs' in lines
    assert 'not measured: Baseline + data augment, Self-KD' in lines
    alone = '\n'.join(table2_report.discussion(
        row_stats(str(root), ['kd_r50'])))
    assert 'no Baseline runs to compare with' in alone
    assert 'fewer than two rows measured' in alone


def test_notes_survive_rewrites(root, tmp_path):
    out = tmp_path / 'docs' / 'results.md'
    first = _write(root, out, ['- Wall time: 1'])
    assert first.count(NOTES) == 1 and first.index(NOTES) > first.index(
        '## Discussion')
    out.write_text(first + '\nKD teacher checked by hand: fine.\n')
    second = _write(root, out, ['- Wall time: 2'])
    assert '- Wall time: 2' in second and '- Wall time: 1' not in second
    assert second.endswith('\nKD teacher checked by hand: fine.\n')
    assert second.count(NOTES) == 1


def test_write_is_atomic(root, tmp_path, monkeypatch):
    out = tmp_path / 'results.md'
    before = _write(root, out)

    def fail(src, dst):
        raise OSError('disk full')
    # the shared atomic writer's rename
    monkeypatch.setattr('os.replace', fail)
    with pytest.raises(OSError, match='disk full'):
        _write(root, out, ['- other facts'])
    assert out.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ['results.md']


def test_readme_gets_the_video_table_between_its_markers(root, tmp_path):
    text = _write(root, tmp_path / 'results.md')
    readme = tmp_path / 'README.md'
    head, tail = '# Title\n\nIntro.\n', '\nAfter the table.\n'
    readme.write_text(f'{head}{table2_report.README_START}\nold table\n'
                      f'{table2_report.README_END}{tail}')
    assert table2_report.main([str(readme), str(tmp_path / 'results.md')]) \
        == 0
    new = readme.read_text()
    assert new.startswith(head + table2_report.README_START)
    assert new.endswith(table2_report.README_END + tail)
    block = table2_report.readme_block(new).splitlines()
    # the video protocol's line and table, as written in results.md
    assert block[0].startswith('Protocol: video accuracy')
    assert block[0] in text.splitlines()
    expected_rows = 2 + 1 + len(ROWS)  # header, rule, teacher, the rows
    assert len(block) == 2 + expected_rows
    assert all(ln in text.splitlines() for ln in block[2:])
    assert 'clip accuracy' not in '\n'.join(block)
    base_mean, base_std = _mean_std(TOP1['baseline'])
    assert f'| Baseline | None | {base_mean:.1f} ± {base_std:.1f} |' \
        in '\n'.join(block)


def test_readme_without_markers_is_refused_and_left_alone(root, tmp_path,
                                                          capsys):
    _write(root, tmp_path / 'results.md')
    readme = tmp_path / 'README.md'
    readme.write_text('# Title\n')
    assert table2_report.main([str(readme), str(tmp_path / 'results.md')]) \
        == 1
    assert 'table2-results: start' in capsys.readouterr().err
    assert readme.read_text() == '# Title\n'
