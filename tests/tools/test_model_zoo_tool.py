"""mmskd.zoo.model_zoo: publish a tested run and print its zoo entry."""
import hashlib
import json

import torch

from mmskd.zoo import model_zoo


def _run_dir(tmp_path, with_clip=True, tag=''):
    work = tmp_path / 'run'
    work.mkdir()
    torch.save({'state_dict': {'fc.weight': torch.ones(2, 3)},
                'meta': {'epoch': 3}}, work / 'epoch_3.pth')
    torch.save({'state_dict': {'fc.weight': torch.zeros(2, 3)},
                'meta': {'epoch': 2}}, work / 'best_acc_top1_epoch_2.pth')
    tested = str(work / 'epoch_3.pth')  # what tools/test.py records
    (work / f'test_{tag}video.json').write_text(json.dumps(
        {'acc/top1': 0.31666, 'acc/top5': 0.95, 'acc/mean1': 0.3,
         'checkpoint': tested}))
    if with_clip:
        (work / f'test_{tag}clip.json').write_text(json.dumps(
            {'acc/top1': 0.3, 'acc/top5': 0.9333, 'acc/mean1': 0.2875,
             'checkpoint': tested}))
    return work


def test_study_runs_tested_tag_and_dataset(tmp_path, capsys):
    work = _run_dir(tmp_path, tag='best_')
    assert model_zoo.main([str(work), '--tested', 'best', '--dataset',
                           'UTD-MHAD depth', '--out-dir',
                           str(tmp_path / 'zoo')]) == 0
    entry = json.loads(capsys.readouterr().out.split('README row')[0])
    assert {r['Dataset'] for r in entry['Results']} == {'UTD-MHAD depth'}


def test_metrics_of_different_checkpoints_are_refused(tmp_path, capsys):
    work = _run_dir(tmp_path)
    clip = json.loads((work / 'test_clip.json').read_text())
    clip['checkpoint'] = str(work / 'best_acc_top1_epoch_2.pth')
    (work / 'test_clip.json').write_text(json.dumps(clip))
    assert model_zoo.main([str(work), '--out-dir',
                           str(tmp_path / 'zoo')]) == 1
    assert 'name different' in capsys.readouterr().err


def test_entry_publishes_the_tested_checkpoint_and_converts_to_percent(
        tmp_path, capsys):
    work = _run_dir(tmp_path)
    out = tmp_path / 'zoo'
    assert model_zoo.main([str(work), '--name', 'demo', '--out-dir',
                           str(out)]) == 0
    entry = json.loads(capsys.readouterr().out.split('README row')[0])
    weights = entry['Weights']
    digest = hashlib.sha256(open(weights, 'rb').read()).hexdigest()[:8]
    assert weights == str(out / f'demo-{digest}.pth')
    video, clip = (r['Metrics'] for r in entry['Results'])
    assert video == {'Top 1 Accuracy': 31.67, 'Top 5 Accuracy': 95.0,
                     'Mean Class Accuracy': 30.0}
    assert clip['Mean Class Accuracy'] == 28.75
    assert 'video accuracy' in entry['Results'][0]['Test Protocol']
    assert torch.load(weights, weights_only=True)['state_dict'][
        'fc.weight'].sum() == 6


def test_missing_metrics_are_named_and_nothing_is_published(
        tmp_path, capsys):
    work = _run_dir(tmp_path, with_clip=False)
    out = tmp_path / 'zoo'
    assert model_zoo.main([str(work), '--out-dir', str(out)]) == 1
    assert 'test_clip.json not found' in capsys.readouterr().err
    assert not out.exists()
