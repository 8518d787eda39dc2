"""run_table2.py: plan, resume on fake work dirs, one tiny smoke run."""

import pytest
from conftest import REPO_ROOT

from mmskd.studies import table2_exec
from mmskd.studies.table2_eta import Eta
from mmskd.studies.table2_runner import (ROWS, TEACHER, build_plan, command,
                                         stages_left)
from helpers.tools import load_tool

TEACHER_DIR = 'work_dirs/table2/kd_teacher'


@pytest.fixture(scope='module')
def cli():
    # in-process: no interpreter start-up
    return load_tool(REPO_ROOT / 'tools/analysis/run_table2.py')


def test_default_plan_is_teacher_then_six_rows_by_three_seeds():
    plan = build_plan(ROWS, [0, 1, 2], epochs=8)
    assert len(plan) == 19 and len({r.work_dir for r in plan}) == 19
    assert (plan[0].row, plan[0].work_dir) == (TEACHER, TEACHER_DIR)
    assert plan[0].config.endswith('r50_synthetic_demo_kd_teacher.py')
    assert [(r.row, r.seed) for r in plan[1:]] == [
        (row, seed) for seed in (0, 1, 2) for row in ROWS]
    for run in plan[1:]:
        assert run.work_dir == f'work_dirs/table2/{run.row}/seed{run.seed}'
        train = command(run, 'train')
        assert train[1:3] == ['tools/train.py', run.config]
        assert ['--seed', str(run.seed)] == train[5:7]
        assert 'train_cfg.max_epochs=8' in train and '--resume' not in train
        teacher = f'model.teacher_ckpt={TEACHER_DIR}'
        assert (teacher in train) == (run.row == 'kd_r50')
        for protocol, clips in (('video', '10'), ('clip', '1')):
            test = command(run, protocol)
            assert test[1:4] == ['tools/test.py', run.config, run.work_dir]
            # its own work dir: the training's dumped config stays as it is
            assert test[test.index('--work-dir') + 1] != run.work_dir
            assert test[test.index('--num-clips') + 1] == clips
            assert test[test.index('--out-metrics') + 1] == \
                f'{run.work_dir}/test_{protocol}.json'


def test_subsets_smoke_and_data_dir():
    plan = build_plan(['skd_srl', 'baseline'], [5], 8, data_dir='/d',
                      smoke=True)
    assert [r.name for r in plan] == ['baseline seed5', 'skd_srl seed5']
    train = command(plan[0], 'train')
    assert 'train_cfg.max_epochs=1' in train
    for opt in ('test_dataloader.dataset.ann_file=/d/test.txt',
                'train_dataloader.num_workers=0',
                'val_dataloader.persistent_workers=False'):
        assert opt in train and opt in command(plan[0], 'clip')
    with pytest.raises(ValueError, match='unknown rows'):
        build_plan(['nope'], [0], 8)


def test_stages_left_on_fake_work_dirs(tmp_path):
    run = build_plan(['baseline'], [0], 4, work_root='w')[0]
    work = tmp_path / run.work_dir
    assert stages_left(run, tmp_path) == ['train', 'video', 'clip']
    work.mkdir(parents=True)
    (work / 'last_checkpoint').write_text('x')
    assert stages_left(run, tmp_path)[0] == 'resume'
    (work / 'epoch_2.pth').write_bytes(b'')
    (work / 'test_video.json').write_text('{}')  # stale: tested again
    assert stages_left(run, tmp_path) == ['resume', 'video', 'clip']
    assert '--resume' in command(run, 'resume')
    (work / 'epoch_4.pth').write_bytes(b'')  # trained: only tests left
    assert stages_left(run, tmp_path) == ['clip']
    (work / 'test_clip.json').write_text('{}')
    assert stages_left(run, tmp_path) == []


def test_execute_skips_done_runs_and_resumes_others(tmp_path, monkeypatch):
    done, todo = build_plan(['baseline'], [0, 1], 2, work_root='w')
    (tmp_path / done.work_dir).mkdir(parents=True)
    for name in ('test_video.json', 'test_clip.json'):
        (tmp_path / done.work_dir / name).write_text('{}')
    (tmp_path / todo.work_dir).mkdir(parents=True)
    (tmp_path / todo.work_dir / 'epoch_1.pth').write_bytes(b'')
    calls = []

    def fake_stream(cmd, log, repo, on_line):  # what the tools would do
        calls.append(cmd)
        on_line('Epoch(train)  [2][ 5/35]  lr: 1.0000e-02  loss: 2.3\n')
        if '--out-metrics' in cmd:
            (tmp_path / cmd[cmd.index('--out-metrics') + 1]).write_text('{}')
        return 0
    monkeypatch.setattr(table2_exec, 'stream', fake_stream)
    lines = []
    table2_exec.execute([done, todo], str(tmp_path), lines.append)
    assert lines[0] == '[1/2] baseline seed0: done before, skipped'
    assert [c[1] for c in calls] == ['tools/train.py'] + ['tools/test.py'] * 2
    assert '--resume' in calls[0]
    assert any(ln.startswith('[2/2] baseline seed1: epoch 2/2, ETA ')
               for ln in lines)
    assert any(ln.startswith('measured ') for ln in lines)
    times = table2_exec.read_times(str(tmp_path / todo.work_dir))
    assert set(times) == {'train', 'video', 'clip'}
    assert stages_left(todo, str(tmp_path)) == []


def test_eta_rescales_priors_by_measurement():
    eta = Eta(prior_left=300.0)
    assert eta.left() == 300.0
    eta.finish(prior=100.0, elapsed=200.0)  # twice as slow as the prior
    assert eta.left() == 400.0
    assert eta.left(elapsed=60.0, prior_part=50.0) == pytest.approx(
        260 / 150 * 150)


def test_dry_run_prints_the_plan(cli, capsys, tmp_path):
    assert cli.main(['--dry-run', '--work-root', str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(ln.startswith('[') for ln in out) == 19
    assert sum('tools/t' in ln for ln in out) == 57
    assert out[-1].startswith('estimated ') and 'Budget 02:00' in out[-1]


@pytest.fixture(scope='module')
def tiny_data(tmp_path_factory):
    from mmskd.datasets.synthetic import SyntheticConfig, generate_dataset
    out = tmp_path_factory.mktemp('synth') / 'data'
    generate_dataset(out, SyntheticConfig(
        seed=3, videos_per_class=3, actors=6, frames=(24, 32),
        size=(64, 80)), workers=1)
    return out


def test_smoke_run_of_one_row_then_resume_skips_it(cli, tiny_data, tmp_path,
                                                   capsys):
    argv = ['--smoke', '--rows', 'baseline', '--seeds', '0', '--data-dir',
            str(tiny_data), '--work-root', str(tmp_path / 'w'), '--out',
            str(tmp_path / 'results.md')]
    assert cli.main(argv) == 0, capsys.readouterr().err[-3000:]
    run = tmp_path / 'w' / 'baseline' / 'seed0'
    assert {p.name for p in run.glob('test_*.json')} == {
        'test_video.json', 'test_clip.json'}
    text = (tmp_path / 'results.md').read_text()
    assert '| Baseline | None |' in text and '--smoke' in text
    (tmp_path / 'results.md').write_text(text + 'my note\n')
    assert cli.main(argv) == 0  # nothing left to run: just the file
    assert 'done before, skipped' in capsys.readouterr().out
    assert (tmp_path / 'results.md').read_text().endswith('my note\n')
