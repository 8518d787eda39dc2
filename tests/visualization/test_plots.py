"""Curves, result charts and confusion matrices: the images exist and the
numbers written beside them are the logged / dumped ones."""
import csv
import json
import pickle

import numpy as np
import pytest
import torch

from mmskd.visualization.charts import seed_bar_chart
from mmskd.visualization.confusion import (count_confusion, plot_confusion,
                                           read_dump)
from mmskd.visualization.curves import load_curves, plot_curves


def _log(folder, records):
    path = folder / 'vis_data' / 'scalars.json'
    path.parent.mkdir(parents=True)
    path.write_text(''.join(json.dumps(r) + '\n' for r in records))


def _run(root, name, acc):
    """2 epochs of 4 iterations, logged every 2; a resume redoes epoch 2."""
    work = root / name
    _log(work / '20260101_000000', [
        dict(lr=0.1, loss=3.0, top1_acc=acc[0], epoch=1, iter=2, step=2),
        dict(lr=0.1, loss=2.8, top1_acc=acc[1], epoch=1, iter=4, step=4),
        {'acc/top1': 0.2, 'step': 1},
        dict(lr=0.05, loss=9.9, top1_acc=0.0, epoch=2, iter=6, step=6)])
    _log(work / '20260101_010000', [
        dict(lr=0.05, loss=2.5, top1_acc=acc[2], cos_sim=0.5, epoch=2,
             iter=6, step=6),
        dict(lr=0.01, loss=2.1, top1_acc=acc[3], cos_sim=0.7, epoch=2,
             iter=8, step=8),
        {'acc/top1': 0.4, 'step': 2}])
    return work


def test_curves_are_the_logged_numbers_at_fractional_epochs(tmp_path):
    a = _run(tmp_path, 'a', [0.1, 0.2, 0.3, 0.4])
    curves = load_curves(str(a))
    assert curves['loss'] == [[0.5, 3.0], [1.0, 2.8], [1.5, 2.5],
                              [2.0, 2.1]]  # the resume's step 6 wins
    assert curves['acc/top1'] == [[1.0, 0.2], [2.0, 0.4]]
    assert curves['cos_sim'] == [[1.5, 0.5], [2.0, 0.7]]
    b = _run(tmp_path, 'b', [0.5, 0.6, 0.7, 0.8])
    png, table = tmp_path / 'c.png', tmp_path / 'c.csv'
    plot_curves([str(a), str(b)], str(png), str(table))
    assert png.stat().st_size > 10000
    rows = list(csv.DictReader(table.open()))
    got = {(r['run'], r['key'], float(r['epoch'])): float(r['value'])
           for r in rows}
    assert got[('b', 'top1_acc', 2.0)] == 0.8
    assert got[('a', 'lr', 1.0)] == 0.1
    assert len(rows) == 2 * (4 * 3 + 2 + 2)  # lr, loss, acc; cos_sim; val
    with pytest.raises(FileNotFoundError, match='scalars.json'):
        load_curves(str(tmp_path / 'nothing'))


def test_seed_bar_chart_writes_its_numbers(tmp_path):
    groups = {'Baseline': {'last': [50.0, 60.0]},
              'SKD-SRL': {'last': [55.0, 58.0, 61.0]}}
    data = seed_bar_chart(groups, str(tmp_path / 'x.png'),
                          str(tmp_path / 'x.json'), 'top-1 (%)', 'title')
    assert json.loads((tmp_path / 'x.json').read_text())['rows'] == groups
    assert data['rows'] == groups
    assert (tmp_path / 'x.png').stat().st_size > 5000


def test_confusion_matrix_from_a_test_dump(tmp_path):
    labels = [0, 0, 1, 2, 2, 2]
    predicted = [0, 1, 1, 2, 0, 2]
    samples = []
    for y, p in zip(labels, predicted):
        scores = torch.full((4, ), 0.1)
        scores[p] = 0.7
        samples.append({'gt_labels': {'item': torch.tensor([y])},
                        'pred_scores': {'item': scores}})
    dump = tmp_path / 'p.pkl'
    dump.write_bytes(pickle.dumps(samples))
    got_labels, scores = read_dump(str(dump))
    assert got_labels.tolist() == labels and scores.shape == (6, 4)
    matrix = count_confusion(got_labels, scores.argmax(1), 4)
    expected = np.zeros((4, 4), int)
    for y, p in zip(labels, predicted):
        expected[y, p] += 1
    assert (matrix == expected).all()
    assert matrix[3].sum() == 0  # a class never tested keeps its row
    names = ['walk', 'run', 'jump', 'sit']
    png, table = tmp_path / 'cm.png', tmp_path / 'cm.csv'
    plot_confusion(matrix, names, str(png), str(table))
    rows = list(csv.reader(table.open()))
    assert rows[0] == ['true \\ predicted', *names]
    assert rows[3] == ['jump', '1', '0', '2', '0']
    assert png.stat().st_size > 5000
