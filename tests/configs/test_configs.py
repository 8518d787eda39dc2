"""Every config parses with plain mmengine and builds its model."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from conftest import REPO_ROOT

CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
NAME = re.compile(r'^r(18|50)_(ucf101|hmdb51|k400|synthetic_demo|'
                  r'utd_mhad_depth)(_split[23])?'
                  r'(_[a-z0-9_]+)?\.py$')


def _id(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT / 'configs'))


def test_configs_found():
    assert len(CONFIGS) >= 30


@pytest.mark.parametrize('path', CONFIGS, ids=_id)
def test_config_parses_and_builds(path):
    cfg = Config.fromfile(str(path))
    match = NAME.match(path.name)
    assert match, f'{path.name} breaks the naming scheme'
    assert cfg.default_scope == 'mmaction'
    assert cfg.custom_imports['imports'] == ['mmskd']
    depth = int(path.name[1:3])
    assert cfg.model.backbone.depth == depth
    model = MODELS.build(cfg.model)
    n_cls = model.cls_head.num_classes
    expected = dict(ucf101=101, hmdb51=51, k400=400,
                    synthetic_demo=10, utd_mhad_depth=27)[match.group(2)]
    assert n_cls == expected
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.get('num_classes', n_cls) == n_cls
    is_skd = path.parent.name == 'skd_srl' or '_skd_srl' in path.stem
    assert (type(model).__name__ == 'SKDSRLRecognizer3D') == is_skd
    train_types = [s['type'] for s in cfg.train_dataloader.dataset.pipeline]
    assert ('TwoViewSample' in train_types) == is_skd


@pytest.mark.parametrize('path', [p for p in CONFIGS if 'split' in p.name],
                         ids=_id)
def test_split_delta_changes_only_annotations(path):
    cfg = Config.fromfile(str(path))
    split = path.stem[-1]
    parent = Config.fromfile(str(path.with_name(path.stem[:-7] + '.py')))
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ann = cfg[loader].dataset.ann_file
        assert f'split_{split}' in ann
        assert ann.replace(f'split_{split}', 'split_1') == \
            parent[loader].dataset.ann_file
        assert cfg[loader].dataset.pipeline == parent[loader].dataset.pipeline


def test_paper_recipe_in_full_configs():
    cfg = Config.fromfile(str(REPO_ROOT / 'configs/skd_srl/r18_ucf101.py'))
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.momentum, opt.weight_decay) == \
        ('SGD', 0.01, 0.9, 5e-4)
    assert cfg.train_cfg.max_epochs == 200
    assert cfg.train_dataloader.batch_size == 32
    sched = cfg.param_scheduler[0]
    assert (sched.type, sched.monitor, sched.rule, sched.patience,
            sched.factor) == ('ReduceOnPlateauLR', 'acc/top1', 'greater', 10,
                              0.1)
    assert cfg.model.loss_kd.tau == 10.0 and cfg.model.loss_kd.loss_weight \
        == 0.1
    assert cfg.model.siamese_head.loss_sim.loss_weight == 1.0
    assert cfg.model.data_preprocessor.mean == [127.5] * 3


def test_plain_mmengine_loads_and_builds_in_fresh_process():
    """Other MMEngine tooling can run our configs: plain ``Config.fromfile``
    (no mmaction:: paths) and the config's own ``custom_imports``
    register mmskd."""
    code = ('import sys; from mmengine.config import Config; '
            'c = Config.fromfile(sys.argv[1]); '
            'assert "mmskd" in sys.modules; '
            'from mmengine.registry import init_default_scope; '
            'init_default_scope(c.default_scope); '
            'from mmaction.registry import MODELS; '
            'print(type(MODELS.build(c.model)).__name__)')
    out = subprocess.run(
        [sys.executable, '-c', code,
         str(REPO_ROOT / 'configs/skd_srl/r50_k400.py')],
        capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'SKDSRLRecognizer3D'


def test_demo_config_forward_shape():
    cfg = Config.fromfile(
        str(REPO_ROOT / 'configs/skd_srl/r18_synthetic_demo.py'))
    model = MODELS.build(cfg.model)
    model.eval()
    with torch.no_grad():  # [N, clips, C, T, H, W] at the demo scale
        feats = model(torch.randn(2, 1, 3, 8, 56, 56), mode='tensor')
        logits = model(torch.randn(2, 1, 3, 8, 56, 56), mode='tensor',
                       stage='head')
    assert feats.shape == (2, 512, 1, 2, 2)  # 8x56x56 -> 1x2x2 final map
    assert logits.shape == (2, model.cls_head.num_classes)
