"""tools/publish_model.py: release checkpoints hold tensors and plain
metadata only, are named by their hash, and a malicious input is refused
without running its code (docs/reliability.md, section 5)."""
import hashlib
import os
import pickle
import subprocess
import sys

import pytest
import torch

from helpers.tiny_run import REPO
from mmskd.zoo.publish import plain_meta, publish_checkpoint


class Evil:
    """Unpickling this creates ``marker``: a stand-in for arbitrary code."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def _training_checkpoint(path):
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('publish_test')
    hub.update_scalar('train/loss', 1.0)  # a HistoryBuffer, as in training
    torch.save(dict(
        meta=dict(epoch=3, iter=30, seed=0, cfg='model = dict()',
                  dataset_meta=dict(classes=['a', 'b'])),
        state_dict={'backbone.w': torch.ones(2, 3),
                    'siamese_head.proj.w': torch.ones(4)},
        optimizer=dict(state={}, param_groups=[dict(lr=0.1)]),
        message_hub=hub.state_dict()), path)


def _tool(*args):
    return subprocess.run([sys.executable, 'tools/publish_model.py', *args],
                          cwd=REPO, capture_output=True, text=True)


def test_release_is_weights_and_plain_meta_named_by_hash(tmp_path):
    _training_checkpoint(tmp_path / 'epoch_3.pth')
    final = publish_checkpoint(str(tmp_path / 'epoch_3.pth'),
                               str(tmp_path / 'out' / 'skd.pth'),
                               strip_train_heads=True)
    sha = hashlib.sha256(open(final, 'rb').read()).hexdigest()
    assert final == str(tmp_path / 'out' / f'skd-{sha[:8]}.pth')
    assert os.listdir(tmp_path / 'out') == [f'skd-{sha[:8]}.pth']
    # A bare interpreter (no mmskd allow-list) must load it weights-only.
    code = ('import sys, torch; c = torch.load(sys.argv[1], '
            'weights_only=True); print(sorted(c), sorted(c["state_dict"]))')
    done = subprocess.run([sys.executable, '-c', code, final],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split('\n')[0] == \
        "['meta', 'state_dict'] ['backbone.w']"
    meta = torch.load(final, weights_only=True)['meta']
    assert meta == dict(epoch=3, iter=30, seed=0,
                        source_checkpoint='epoch_3.pth',
                        dataset_meta=dict(classes=['a', 'b']))


def test_train_heads_kept_unless_stripped(tmp_path):
    _training_checkpoint(tmp_path / 'c.pth')
    final = publish_checkpoint(str(tmp_path / 'c.pth'),
                               str(tmp_path / 'r.pth'))
    assert 'siamese_head.proj.w' in torch.load(
        final, weights_only=True)['state_dict']


def test_plain_meta_drops_objects():
    assert plain_meta(dict(epoch=1, seed=object(), cfg='x')) == dict(epoch=1)


def test_malicious_pickle_is_refused_by_the_tool_and_never_runs(tmp_path):
    marker = tmp_path / 'pwned'
    torch.save(Evil(str(marker)), tmp_path / 'evil.pth')
    done = _tool(str(tmp_path / 'evil.pth'), str(tmp_path / 'o' / 'x.pth'))
    assert done.returncode == 1
    assert 'refused to load' in done.stderr and '--unsafe-load' in done.stderr
    assert not marker.exists()
    assert not (tmp_path / 'o').exists()


def test_nested_payload_refused_and_runs_only_with_unsafe_load(tmp_path):
    marker = tmp_path / 'pwned'
    torch.save(dict(state_dict={'w': Evil(str(marker))}), tmp_path / 'e.pth')
    with pytest.raises(pickle.UnpicklingError, match='--unsafe-load'):
        publish_checkpoint(str(tmp_path / 'e.pth'), str(tmp_path / 'x.pth'))
    assert not marker.exists()
    # The control: with the explicit flag the payload does run.
    with pytest.raises(ValueError, match='no state_dict of tensors'):
        publish_checkpoint(str(tmp_path / 'e.pth'), str(tmp_path / 'x.pth'),
                           unsafe_load=True)
    assert marker.exists()
