"""The study driver's plan, records and report, on constructed inputs."""
import json
import os.path as osp

import pytest

from mmskd.studies import study_report
from mmskd.studies.spec import STUDIES, Row, Study, plan
from mmskd.utils import scalars


def _study(tmp_path, rows=None):
    rows = rows or (Row('a', 'Row A', 'configs/a.py'),
                    Row('b', 'Row B', 'configs/b.py', seeds=(0, 1)),
                    Row('c', 'Row C', 'configs/c.py', phase=2, seeds=(0, )))
    return Study(name='toy', title='Toy', data_dir='data/toy',
                 prepare='make toy', rows=rows, pairs=(('b', 'a'), ),
                 results_root=str(tmp_path / 'docs'),
                 work_root_base=str(tmp_path / 'work'))


def test_plan_goes_phase_by_phase_then_seed_by_seed(tmp_path):
    runs = plan(_study(tmp_path))
    assert [r.name for r in runs] == [
        'a seed0', 'b seed0', 'a seed1', 'b seed1', 'a seed2', 'c seed0']
    assert [r.name for r in plan(_study(tmp_path), rows=['b'])] == [
        'b seed0', 'b seed1']
    assert [r.name for r in plan(_study(tmp_path), seeds=[1])] == [
        'a seed1', 'b seed1']
    run = runs[0]
    assert run.record_path == f'{tmp_path}/docs/toy/a/seed0.json'
    assert run.work_dir == f'{tmp_path}/work/toy/a/seed0'
    assert 'train_dataloader.dataset.ann_file=data/toy/train.txt' in \
        run.options()
    with pytest.raises(KeyError, match="no row 'z'"):
        plan(_study(tmp_path), rows=['z'])


@pytest.mark.parametrize('name', sorted(STUDIES))
def test_shipped_study_rows_exist(name):
    from conftest import REPO_ROOT
    study = STUDIES[name]
    names = [r.name for r in study.rows]
    assert {'baseline_aug', 'skd_srl'} <= set(names)  # the decisive pair
    assert ('skd_srl', 'baseline_aug') in study.pairs
    for row in study.rows:
        assert (REPO_ROOT / row.config).is_file(), row.config
        assert len(row.seeds) >= (3 if row.phase == 1 else 2)
    names = {r.name for r in study.rows}
    assert all(a in names and b in names for a, b in study.pairs)


def _scalars(folder, lines):
    path = folder / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(x) + '\n' for x in lines))


def test_epoch_log_takes_each_epochs_last_line_and_later_invocations(
        tmp_path):
    # first invocation: epochs 1-2 (epoch 2 interrupted after iter 10)
    _scalars(tmp_path / '20260101_000000', [
        dict(lr=0.1, loss=3.0, top1_acc=0.1, epoch=1, iter=10, step=10),
        dict(lr=0.2, loss=2.9, top1_acc=0.2, epoch=1, iter=20, step=20),
        {'acc/top1': 0.15, 'step': 1},
        dict(lr=0.3, loss=2.8, top1_acc=0.9, epoch=2, iter=30, step=30),
    ])
    # the resume redoes epoch 2 from its start
    _scalars(tmp_path / '20260101_010000', [
        dict(lr=0.3, loss=2.5, top1_acc=0.3, epoch=2, iter=40, step=40),
        {'acc/top1': 0.25, 'step': 2},
    ])
    log = scalars.epoch_log(str(tmp_path))
    assert log == [
        dict(epoch=1, lr=0.2, loss=2.9, train_top1=0.2, val_top1=0.15),
        dict(epoch=2, lr=0.3, loss=2.5, train_top1=0.3, val_top1=0.25)]
    views = dict(top1_acc_view1=0.5, top1_acc_view2=0.7)
    assert scalars.train_top1(views) == pytest.approx(0.6)


def _record(row, seed, last, best, train=1.0):
    test = {c: {p: dict(top1=v, top5=1.0, mean1=v) for p in ('video', 'clip')}
            for c, v in (('last', last), ('best', best))}
    log = [dict(epoch=1, train_top1=0.1, cos_sim=0.7, cos_sim_mismatched=0.6,
                z_std=0.5, loss_kd=0.001, loss_cls=3.0, val_top1=0.1),
           dict(epoch=2, train_top1=train, cos_sim=0.9,
                cos_sim_mismatched=0.3, z_std=0.8, loss_kd=0.002,
                loss_cls=0.5, val_top1=0.4)]
    return dict(row=row, seed=seed, test=test, final=log[-1], epoch_log=log,
                train_fit=dict(top1=0.99, top5=1.0, mean1=0.99),
                best_epoch=2, train_s=600.0, test_s=60.0, epochs=2,
                machine='test CPU', sizes=dict(train=10, val=5, test=20))


def test_report_tables_and_paired_differences(tmp_path):
    study = _study(tmp_path)
    for row, seed, last, best in (('a', 0, 0.50, 0.40), ('a', 1, 0.60, 0.70),
                                  ('b', 0, 0.55, 0.45), ('b', 1, 0.58, 0.80)):
        path = tmp_path / 'docs' / 'toy' / row / f'seed{seed}.json'
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_record(row, seed, last, best)))
    records = study_report.load_records(study)
    # b - a per seed: last +5, -2; best +5, +10
    assert study_report.paired(records, 'b', 'a', 'last') == [
        (0, pytest.approx(5.0)), (1, pytest.approx(-2.0))]
    table = study_report.paired_table(study, records)
    # t interval, 1 degree of freedom (t_0.975 = 12.706): last sd 4.950,
    # se 3.5, half-width 44.5; best sd 3.536, se 2.5, half-width 31.8
    assert '| Row B − Row A | last | s0: +5.0, s1: -2.0 | +1.5 ± 4.9 | ' \
        '-43.0 to +46.0 | - | 1 of 2 |' in table
    assert '| Row B − Row A | best | s0: +5.0, s1: +10.0 | +7.5 ± 3.5 | ' \
        '-24.3 to +39.3 | - | 2 of 2 |' in table
    # three values 1, 2, 3: mean 2, se 1/sqrt(3), t_0.975(2) = 4.303
    low, high = study_report.t_interval([1.0, 2.0, 3.0])
    assert (low, high) == (pytest.approx(2 - 2.4843, abs=1e-3),
                           pytest.approx(2 + 2.4843, abs=1e-3))
    assert study_report.t_interval([4.0]) is None
    main = study_report.main_table(study, records)
    # Row A video: last 50, 60 -> 55.0 ± 7.1; best 40, 70 -> 55.0 ± 21.2
    assert '| Row A | 2 | 99.0 ± 0.0 | 100.0 ± 0.0 | 2, 2 | 55.0 ± 7.1 | ' \
        '55.0 ± 21.2 |' in main
    monitors = study_report.monitor_table(study, records)
    assert '| Row A | 2 | 0.900 | 0.300 | +0.600 | 0.800 | 4.0e-03 |' in \
        monitors
    doc = tmp_path / 'results.md'
    doc.write_text('x\n<!-- study:toy start -->\nold\n<!-- study:toy end -->'
                   '\ny\n')
    written = study_report.write_report(study, quote_in=[str(doc)])
    text = doc.read_text()
    assert 'old' not in text and main in text and text.endswith('\ny\n')
    assert 'Runs recorded: 4 of 6.' in text  # the plan has 6 runs
    assert '[docs/toy/README.md](docs/toy/README.md)' in text  # relative
    assert str(doc) in written
    chart = json.loads((tmp_path / 'docs/toy/chart.json').read_text())
    assert chart['rows']['Row B'] == {
        'last-epoch checkpoint': pytest.approx([55.0, 58.0]),
        'best-by-val checkpoint': pytest.approx([45.0, 80.0])}
    assert (tmp_path / 'docs/toy/chart.png').stat().st_size > 5000


def test_schedule_line_names_rows_that_train_for_other_epochs():
    def rec(label, epochs):
        return dict(row=label.lower(), label=label, epochs=epochs)
    records = {'a': {0: rec('A', 80), 1: rec('A', 80)},
               'b': {0: rec('B', 80)}, 'c': {0: rec('C', 160)}}
    assert study_report.schedule_line(records) == (
        '- Schedule: 80 epochs, every row but C: 160 epochs (configs in the '
        'per-run records).')
    del records['c']
    assert study_report.schedule_line(records).startswith(
        '- Schedule: 80 epochs, every row (')


def _tiny_study(tmp_path, data):
    # The UTD-MHAD SKD-SRL config at toy size: R3D-18 with 4 base channels,
    # 4 x 32 x 32 clips, batch 2, no loader workers; 2 epochs of 4 steps.
    shrink = ['model.backbone.base_channels=4', 'model.cls_head.num_classes=4',
              'model.cls_head.in_channels=32',
              'model.siamese_head.in_channels=32',
              'model.siamese_head.proj_channels=16',
              'model.siamese_head.pred_hidden_channels=8',
              'train_cfg.max_epochs=2', 'param_scheduler.0.end=1',
              'param_scheduler.1.begin=1', 'param_scheduler.1.end=2',
              'param_scheduler.1.T_max=1', 'default_hooks.logger.interval=1']
    for split in ('train', 'val', 'test'):
        shrink += [f'{split}_dataloader.batch_size=2',
                   f'{split}_dataloader.num_workers=0',
                   f'{split}_dataloader.persistent_workers=False',
                   f'{split}_dataloader.dataset.num_classes=4']
    view = 'train_dataloader.dataset.pipeline.1.view_pipeline'
    shrink += [f'{view}.0.clip_len=4', f'{view}.2.scale=(-1,36)',
               f'{view}.3.size=32']
    for split in ('val', 'test'):
        pipe = f'{split}_dataloader.dataset.pipeline'
        shrink += [f'{pipe}.1.clip_len=4', f'{pipe}.3.scale=(-1,36)',
                   f'{pipe}.4.crop_size=32']
    row = Row('skd_srl', 'SKD-SRL', 'configs/skd_srl/r18_utd_mhad_depth.py',
              seeds=(3, ), epoch_s=5, options=tuple(shrink))
    return Study(name='tiny', title='Tiny', data_dir=str(data),
                 prepare='make tiny', rows=(row, ),
                 results_root=str(tmp_path / 'docs'),
                 work_root_base=str(tmp_path / 'work'))


@pytest.mark.slow
def test_driver_trains_tests_records_and_skips(tmp_path):
    from conftest import REPO_ROOT
    from helpers.videos import make_video_set
    from mmskd.studies.study_runner import execute
    data = tmp_path / 'data'
    make_video_set(data, dict(train=8, val=4, test=4), num_classes=4)
    study = _tiny_study(tmp_path, data)
    lines, landed = [], []

    def on_recorded(run):  # the record is on disk when the hook runs
        landed.append((run.name, osp.isfile(tmp_path / 'docs/tiny/skd_srl/'
                                            'seed3.json')))

    assert execute(plan(study), str(REPO_ROOT), lines.append,
                   on_recorded=on_recorded) == 1
    assert landed == [(plan(study)[0].name, True)]
    record = json.loads(
        (tmp_path / 'docs/tiny/skd_srl/seed3.json').read_text())
    assert record['seed'] == 3 and record['epochs'] == 2
    assert record['sizes'] == dict(train=8, val=4, test=4)
    assert [e['epoch'] for e in record['epoch_log']] == [1, 2]
    for key in ('train_top1', 'val_top1', 'cos_sim', 'cos_sim_mismatched',
                'z_std', 'loss_kd', 'lr'):
        assert key in record['final'], key
    peak = max(e['lr'] for e in record['epoch_log'])
    assert record['final']['lr'] < 0.2 * peak  # the cosine's last steps
    assert 1 <= record['best_epoch'] <= 2
    for ckpt in ('last', 'best'):
        for protocol in ('video', 'clip'):
            m = record['test'][ckpt][protocol]
            assert 0 <= m['top1'] <= m['top5'] <= 1
    # the final model tested on its own 8 training videos
    assert 0 <= record['train_fit']['top1'] <= 1
    train_log = (tmp_path / 'work/tiny/skd_srl/seed3/test_logs/'
                 'last_video_train').rglob('*.log')
    assert any('train.txt' in p.read_text() for p in train_log)
    assert any('epoch 2/2' in ln and 'study ETA' in ln for ln in lines)
    # recorded: a second invocation does nothing
    lines.clear()
    assert execute(plan(study), str(REPO_ROOT), lines.append) == 0
    assert lines[0].startswith('1 of 1 runs recorded before; 0 to do')
    # every test-list test kept its per-video predictions, and they
    # reproduce the recorded top-1
    pred = record['predictions']
    truth = [int(x) for x in pred['labels'].split()]
    assert len(truth) == 4
    for ckpt in ('last', 'best'):
        for protocol in ('video', 'clip'):
            got = [int(x) for x in pred[f'{ckpt}.{protocol}'].split()]
            hits = sum(g == t for g, t in zip(got, truth))
            assert hits / 4 == pytest.approx(
                record['test'][ckpt][protocol]['top1'])
    # a record written before predictions were kept gains them back (the
    # dumps are there, so nothing is tested again) ...
    from mmskd.studies.study_runner import add_predictions
    path = tmp_path / 'docs/tiny/skd_srl/seed3.json'
    del record['predictions']
    path.write_text(json.dumps(record))
    assert add_predictions(plan(study), str(REPO_ROOT), lines.append) == 1
    again = json.loads(path.read_text())
    assert again['predictions'] == pred and list(again)[-1] == 'epoch_log'
    assert add_predictions(plan(study), str(REPO_ROOT), lines.append) == 0
    # ... unless the tests disagree with the record: then it is left alone
    del again['predictions']
    again['test']['best']['clip']['top1'] += 0.25
    path.write_text(json.dumps(again))
    with pytest.raises(ValueError, match='best checkpoint again \\(clip\\)'):
        add_predictions(plan(study), str(REPO_ROOT), lines.append)
    assert 'predictions' not in json.loads(path.read_text())


def _with_predictions(record, truth, predicted):
    record['predictions'] = dict(labels=' '.join(map(str, truth)), **{
        f'{c}.{p}': ' '.join(map(str, predicted))
        for c in ('last', 'best') for p in ('video', 'clip')})
    return record


def test_bootstrap_over_test_videos_has_the_binomial_width():
    truth = [k % 5 for k in range(400)]
    wrong = [(t + 1) % 5 if k < 40 else t for k, t in enumerate(truth)]
    records = {
        'a': {s: _with_predictions(_record('a', s, 1.0, 1.0), truth, truth)
              for s in (0, 1)},
        'b': {s: _with_predictions(_record('b', s, 0.9, 0.9), truth, wrong)
              for s in (0, 1)}}
    # a is right on every video, b wrong on 40 of 400: the difference is
    # 10 points, its standard error sqrt(0.1 * 0.9 / 400) = 1.5 points
    low, high = study_report.bootstrap_interval(records, 'a', 'b', 'last')
    assert low == pytest.approx(10 - 1.96 * 1.5, abs=0.4)
    assert high == pytest.approx(10 + 1.96 * 1.5, abs=0.4)
    # identical predictions: no spread at all
    assert study_report.bootstrap_interval(records, 'a', 'a', 'best') == (
        0.0, 0.0)
    # a seed without predictions: no interval
    del records['b'][1]['predictions']
    assert study_report.bootstrap_interval(records, 'a', 'b', 'last') is None
    # different test lists cannot be paired
    records['b'][1] = _with_predictions(records['b'][1], truth[::-1], wrong)
    with pytest.raises(ValueError, match='different lists'):
        study_report.bootstrap_interval(records, 'a', 'b', 'last')


def test_predictions_refuse_a_dump_that_disagrees_with_its_metrics(tmp_path):
    import pickle

    import torch

    from mmskd.studies.spec import Run
    from mmskd.studies.study_runner import dump_path, predictions, test_path
    run = Run(_study(tmp_path), Row('a', 'Row A', 'configs/a.py'), 0)
    truth, predicted = [0, 1, 2, 1], [0, 1, 0, 1]  # 3 of 4 right
    for ckpt in ('last', 'best'):
        for protocol in ('video', 'clip'):
            samples = [{'gt_label': torch.tensor([y]),
                        'pred_score': torch.eye(3)[p]}
                       for y, p in zip(truth, predicted)]
            dump = tmp_path / dump_path(run, ckpt, protocol)
            dump.parent.mkdir(parents=True, exist_ok=True)
            dump.write_bytes(pickle.dumps(samples))
            (tmp_path / test_path(run, ckpt, protocol)).write_text(
                json.dumps({'acc/top1': 0.75, 'acc/top5': 1.0,
                            'acc/mean1': 0.8}))
    assert predictions(run) == {'labels': '0 1 2 1', **{
        f'{c}.{p}': '0 1 0 1' for c in ('last', 'best')
        for p in ('video', 'clip')}}
    (tmp_path / test_path(run, 'best', 'clip')).write_text(json.dumps(
        {'acc/top1': 0.5, 'acc/top5': 1.0, 'acc/mean1': 0.5}))
    with pytest.raises(ValueError, match='pred_best_clip.pkl: top-1 0.7500'):
        predictions(run)
