"""The stack fixes applied by ``import mmskd`` (mmskd/compat.py)."""
import io
import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmskd import compat


class _Payload:
    """Unpickling this would run code: a stand-in for a malicious file."""

    def __reduce__(self):
        return (os.system, ('echo pwned > /dev/null',))


def _mmengine_like_checkpoint() -> dict:
    buffer = HistoryBuffer()
    for value in (1.0, 2.5, 3.0):
        buffer.update(value)
    return dict(
        meta=dict(epoch=3, seed=np.int64(7), dataset_meta=None),
        state_dict=dict(w=torch.ones(2)),
        message_hub=dict(log_scalars=dict(loss=buffer),
                         runtime_info=dict(arr=np.arange(3, dtype=np.int32))))


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    loaded = torch.load(path, weights_only=True)  # what mmengine now gets
    assert loaded['meta']['epoch'] == 3
    hub = loaded['message_hub']
    assert hub['log_scalars']['loss'].mean() == pytest.approx(6.5 / 3)
    assert hub['runtime_info']['arr'].tolist() == [0, 1, 2]


def test_mmengine_default_load_path_reads_checkpoint(tmp_path):
    """mmengine 0.10.7 calls torch.load without weights_only."""
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'ckpt.pth'
    torch.save(_mmengine_like_checkpoint(), path)
    assert _load_checkpoint(str(path), map_location='cpu')['meta']['epoch'] \
        == 3


def test_arbitrary_globals_stay_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'x': _Payload()}, path)
    with pytest.raises(pickle.UnpicklingError, match='system'):
        torch.load(path, weights_only=True)


def test_weights_only_protection_not_switched_off():
    assert os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD') in (None, '0')
    buf = io.BytesIO()
    torch.save({'p': _Payload()}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buf)  # the default must still be weights_only=True


def test_allow_list_is_explicit():
    safe = compat.checkpoint_safe_globals()
    assert HistoryBuffer in safe and np.ndarray in safe
    assert os.system not in safe and eval not in safe
    assert all(callable(g) for g in safe)


@pytest.mark.parametrize('version,ok', [('2.0.1', True), ('2.0.0rc4', True),
                                        ('2.1.0', False), ('1.7.2', False)])
def test_mmcv_version_check(monkeypatch, version, ok):
    import mmcv
    monkeypatch.setattr(mmcv, '__version__', version)
    if ok:
        assert compat.check_mmcv_version() == version
    else:
        with pytest.raises(ImportError, match='mmcv-lite>=2.0.0rc4,<2.1.0'):
            compat.check_mmcv_version()


def test_mmaction_scope_base_resolves(tmp_path):
    """STACK.md #2: `mmaction::` inheritance works once mmskd is imported."""
    from mmengine.config import Config
    cfg_file = tmp_path / 'child.py'
    cfg_file.write_text(
        "_base_ = ['mmaction::recognition/r2plus1d/"
        "r2plus1d_r34_8xb8-8x8x1-180e_kinetics400-rgb.py']\n"
        "model = dict(cls_head=dict(num_classes=7))\n")
    cfg = Config.fromfile(str(cfg_file))
    assert cfg.model.backbone.type == 'ResNet2Plus1d'
    assert cfg.model.cls_head.num_classes == 7
    base_only = tmp_path / 'base.py'
    base_only.write_text("_base_ = ['mmaction::_base_/models/i3d_r50.py']\n")
    assert Config.fromfile(str(base_only)).model.type == 'Recognizer3D'


def test_scope_fix_is_idempotent():
    from mmengine.config import config as mm_config
    before = mm_config._get_external_cfg_path
    compat.allow_mmaction_scope_configs()
    assert mm_config._get_external_cfg_path is before


def test_head_loss_accepts_bf16_scores():
    """mmaction's head logged accuracy through numpy, which has no bf16."""
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    head = MODELS.build(dict(type='I3DHead', num_classes=5, in_channels=8))
    scores = torch.tensor([[4.0, 0, 0, 0, 0], [0, 0, 3.0, 0, 0]],
                          dtype=torch.bfloat16)
    samples = [ActionDataSample().set_gt_labels(y) for y in (0, 1)]
    losses = head.loss_by_feat(scores, samples)
    assert losses['top1_acc'].item() == pytest.approx(0.5)
    expected = torch.nn.functional.cross_entropy(scores.float(),
                                                 torch.tensor([0, 1]))
    assert losses['loss_cls'].item() == pytest.approx(expected.item(),
                                                      rel=1e-6)


def test_head_accuracy_on_device_equals_mmactions_numpy_one():
    from mmaction.evaluation import top_k_accuracy
    from mmaction.registry import MODELS
    from mmaction.structures import ActionDataSample
    head = MODELS.build(dict(type='I3DHead', num_classes=20, in_channels=8,
                             topk=(1, 3, 5)))
    g = torch.Generator().manual_seed(0)
    for n in (1, 7, 64):
        scores = torch.randn(n, 20, generator=g)  # ties have probability 0
        labels = torch.randint(0, 20, (n, ), generator=g)
        samples = [ActionDataSample().set_gt_labels(int(y)) for y in labels]
        losses = head.loss_by_feat(scores, samples)
        expected = top_k_accuracy(scores.numpy(), labels.numpy(), (1, 3, 5))
        for k, value in zip((1, 3, 5), expected):
            assert losses[f'top{k}_acc'].item() == pytest.approx(value)
            assert losses[f'top{k}_acc'].device == scores.device
        ce = torch.nn.functional.cross_entropy(scores, labels)
        assert losses['loss_cls'].item() == pytest.approx(ce.item())
    # smoothed labels keep MMAction2's own path (and its numbers)
    smooth = MODELS.build(dict(type='I3DHead', num_classes=20, in_channels=8,
                               label_smooth_eps=0.1))
    out = smooth.loss_by_feat(scores, samples)
    assert out['top1_acc'].item() == pytest.approx(expected[0])


def test_only_mmcv_lites_attention_warning_is_silenced():
    import subprocess
    import sys
    code = ('import warnings, mmskd\n'
            'warnings.warn_explicit("Fail to import ``MultiScaleDeformable'
            'Attention`` again", UserWarning, "x.py", 1,\n'
            '    module="mmcv.cnn.bricks.transformer")\n'
            'warnings.warn_explicit("Fail to import ``MultiScaleDeformable'
            'Attention`` elsewhere", UserWarning, "y.py", 1, module="other")\n'
            'warnings.warn_explicit("another mmcv warning", UserWarning, '
            '"z.py", 1, module="mmcv.cnn.bricks.transformer")\n')
    done = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, check=True)
    assert 'again' not in done.stderr  # the one silenced
    assert 'elsewhere' in done.stderr  # same text, other module: shown
    assert 'another mmcv warning' in done.stderr  # same module: shown
    # and importing mmskd (mmaction2, mmcv-lite) prints nothing at all
    quiet = subprocess.run([sys.executable, '-c', 'import mmskd'],
                           capture_output=True, text=True, check=True)
    assert 'MultiScaleDeformableAttention' not in quiet.stderr
