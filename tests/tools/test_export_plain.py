"""tools/export_plain_recognizer.py: SKD-SRL -> plain Recognizer3D."""
import copy
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.runner import load_checkpoint

from conftest import REPO_ROOT

DEMO = str(REPO_ROOT / 'configs/skd_srl/r18_synthetic_demo.py')


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """An SKD-SRL model after one optimiser step, saved like mmengine."""
    tmp = tmp_path_factory.mktemp('export')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(DEMO).model)
    model.init_weights()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    inputs = torch.randn(2, 2, 3, 8, 56, 56)
    samples = [ActionDataSample().set_gt_labels(i) for i in (1, 3)]
    losses = model.loss(inputs, samples)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    opt.step()  # moves BN statistics and weights away from init
    path = tmp / 'epoch_1.pth'
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), path)
    model.eval()
    return model, path, tmp


def test_export_loads_strictly_and_predicts_identically(trained):
    model, ckpt, tmp = trained
    out = tmp / 'plain.pth'
    subprocess.run([
        sys.executable, str(REPO_ROOT / 'tools/export_plain_recognizer.py'),
        DEMO, str(ckpt), str(out)
    ], check=True, capture_output=True, cwd=REPO_ROOT)
    raw = torch.load(out, weights_only=True)  # tensors + plain metadata only
    assert not any(k.startswith('siamese_head.') for k in raw['state_dict'])
    plain_cfg = Config.fromfile(str(out.with_suffix('.py')))
    assert plain_cfg.model.type == 'Recognizer3D'
    assert 'siamese_head' not in plain_cfg.model
    plain = MODELS.build(plain_cfg.model)
    load_checkpoint(plain, str(out), strict=True)  # raises on any mismatch
    plain.eval()
    inputs = torch.randn(2, 3, 3, 8, 56, 56)  # 3 test clips per video
    samples = [ActionDataSample() for _ in range(2)]
    with torch.no_grad():
        ours = model.predict(inputs, copy.deepcopy(samples))
        theirs = plain.predict(inputs, copy.deepcopy(samples))
    for a, b in zip(ours, theirs):
        assert torch.equal(a.pred_scores.item, b.pred_scores.item)


def test_export_refuses_non_skd_inputs(trained, tmp_path):
    from mmskd.deployment.export import export_plain, plain_model_cfg
    _, ckpt, _ = trained
    with pytest.raises(ValueError, match='Recognizer3D'):
        plain_model_cfg(dict(type='Recognizer3D'))
    with pytest.raises(ValueError, match='.pth'):
        export_plain(DEMO, str(ckpt), str(tmp_path / 'x.ckpt'))
    plain_ckpt = tmp_path / 'plain_in.pth'
    state = torch.load(ckpt, weights_only=True)['state_dict']
    torch.save({k: v for k, v in state.items()
                if not k.startswith('siamese_head')}, plain_ckpt)
    with pytest.raises(ValueError, match='no siamese_head'):
        export_plain(DEMO, str(plain_ckpt), str(tmp_path / 'y.pth'))
    assert not list(tmp_path.glob('y.*'))  # nothing half-written
