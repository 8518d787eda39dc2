"""tools/deployment/export_onnx.py: encoder + classifier to ONNX, checked
against PyTorch with ONNX Runtime (demo config: 10 classes, 8x56x56)."""
import copy

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from conftest import REPO_ROOT
from mmskd.deployment import onnx_export
from mmskd.deployment.export import plain_model_cfg
from helpers.tools import load_tool

DEMO = str(REPO_ROOT / 'configs/skd_srl/r18_synthetic_demo.py')


def _tool():
    module = load_tool(REPO_ROOT / 'tools/deployment/export_onnx.py')
    return module


@pytest.fixture(scope='module')
def skd(tmp_path_factory):
    """An SKD-SRL checkpoint whose classifier gives logits of order 10."""
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(DEMO).model)
    torch.nn.init.normal_(model.cls_head.fc_cls.weight, std=1.0)
    path = tmp_path_factory.mktemp('onnx') / 'skd.pth'
    torch.save(dict(state_dict=model.state_dict()), path)
    return model.eval(), str(path)


@pytest.fixture(scope='module')
def exported(skd, tmp_path_factory):
    out = tmp_path_factory.mktemp('onnx_out') / 'demo.onnx'
    rc = _tool().main(
        [DEMO, skd[1], str(out), '--check-batch-sizes', '1', '3'])
    assert rc == 0
    return str(out)


def test_clip_shape_comes_from_the_test_pipeline():
    ucf = Config.fromfile(str(REPO_ROOT / 'configs/skd_srl/r18_ucf101.py'))
    assert onnx_export.clip_shape(Config.fromfile(DEMO)) == (8, 56, 56)
    assert onnx_export.clip_shape(ucf) == (16, 112, 112)
    ucf.test_dataloader.dataset.pipeline[4]['crop_size'] = (128, 96)  # w, h
    assert onnx_export.clip_shape(ucf) == (16, 96, 128)


def test_onnx_matches_recognizer_predict_at_two_batch_sizes(skd, exported):
    model, _ = skd
    session = ort.InferenceSession(
        exported, providers=['CPUExecutionProvider'])
    shape = onnx.load(exported).graph.input[0].type.tensor_type.shape
    assert shape.dim[0].dim_param == 'batch'
    assert [d.dim_value for d in shape.dim[1:]] == [3, 8, 56, 56]
    for n in (1, 3):
        pixels = torch.rand(n, 3, 8, 56, 56) * 255
        logits, scores = session.run(None, {'clips': pixels.numpy()})
        assert logits.shape == scores.shape == (n, 10)  # the demo: 10 classes
        assert np.abs(logits).max() > 1  # a meaningful tolerance check
        # the recognizer's own path: data preprocessor, then predict()
        data = dict(
            inputs=list(pixels[:, None]),
            data_samples=[ActionDataSample() for _ in range(n)])
        with torch.no_grad():
            preds = model.test_step(copy.deepcopy(data))
        expected = np.stack([p.pred_scores.item.numpy() for p in preds])
        assert np.abs(scores - expected).max() < 1e-4


def test_graph_holds_no_siamese_head(skd, exported):
    graph = onnx.load(exported).graph
    assert not any('siamese' in i.name for i in graph.initializer)
    onnx_numel = sum(int(np.prod(i.dims)) for i in graph.initializer)
    plain = MODELS.build(plain_model_cfg(Config.fromfile(DEMO).model))
    plain_numel = sum(p.numel() for p in plain.parameters())
    skd_numel = sum(p.numel() for p in skd[0].parameters())
    # BN is folded into the convs (2C -> C numbers each), hence the tolerance
    assert abs(onnx_numel - plain_numel) / plain_numel < 1e-3
    assert (skd_numel - plain_numel) / plain_numel > 0.05


def test_failed_check_writes_nothing(skd, tmp_path, monkeypatch):
    monkeypatch.setattr(onnx_export, 'max_abs_diff', lambda *args, **kwargs: {
        1: 0.5,
        2: 0.0
    })
    out = tmp_path / 'bad.onnx'
    assert _tool().main([DEMO, skd[1],
                         str(out), '--shape', '4', '32', '32']) == 1
    assert list(tmp_path.iterdir()) == []
