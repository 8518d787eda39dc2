"""mmskd.zoo.model_zoo: publish a tested run and print its zoo entry."""
import hashlib
import json

import torch

from mmskd.zoo import model_zoo


def _run_dir(tmp_path, with_clip=True):
    work = tmp_path / 'run'
    work.mkdir()
    torch.save({'state_dict': {'fc.weight': torch.ones(2, 3)},
                'meta': {'epoch': 3}}, work / 'best_acc_top1_epoch_3.pth')
    (work / 'test_video.json').write_text(json.dumps(
        {'acc/top1': 0.31666, 'acc/top5': 0.95, 'acc/mean1': 0.3}))
    if with_clip:
        (work / 'test_clip.json').write_text(json.dumps(
            {'acc/top1': 0.3, 'acc/top5': 0.9333, 'acc/mean1': 0.2875}))
    return work


def test_entry_publishes_the_best_checkpoint_and_converts_to_percent(
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
