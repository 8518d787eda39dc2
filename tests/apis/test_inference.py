"""mmskd.apis.inference and tools/infer.py on real clips (Weizmann, 64x64).

Checkpoints come from freshly built models (the demo config: 10 classes,
10 test clips of 8x56x56); the classifier is re-drawn with a large std so
that scores are far from uniform and a wrong load would show.
"""
import json
import os
import re

import av
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

from conftest import REPO_ROOT, real_clips_dir
from mmskd.apis.inference import (CheckpointMismatchError, VideoReadError,
                                  init_model, load_label_map, recognize, top_k)
from mmskd.deployment.export import export_plain
from helpers.tools import load_tool

SKD = str(REPO_ROOT / 'configs/skd_srl/r18_synthetic_demo.py')
BASELINE = str(REPO_ROOT / 'configs/baselines/r18_synthetic_demo.py')


N_CLS = 10  # the demo configs' synthetic dataset


NAMES = [f'action_{i}' for i in range(N_CLS)]


def _save(config: str, path, seed: int, classes=None) -> str:
    torch.manual_seed(seed)
    model = MODELS.build(Config.fromfile(config).model)
    torch.nn.init.normal_(model.cls_head.fc_cls.weight, std=0.5)
    meta = dict(epoch=1)
    if classes:  # what the runner stores from the train set's metainfo
        meta['dataset_meta'] = dict(classes=tuple(classes))
    torch.save(dict(state_dict=model.state_dict(), meta=meta), path)
    return str(path)


@pytest.fixture(scope='module')
def ckpts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('infer')
    skd = _save(SKD, tmp / 'skd.pth', 0, NAMES)
    plain = export_plain(SKD, skd, str(tmp / 'plain.pth'))
    labels = tmp / f'classes{N_CLS}.txt'
    labels.write_text('\n'.join(f'class_{i}' for i in range(N_CLS)) + '\n')
    return dict(
        skd=skd,
        plain=plain['checkpoint'],
        plain_cfg=plain['config'],
        baseline=_save(BASELINE, tmp / 'baseline.pth', 1),
        labels=str(labels),
        tmp=tmp)


@pytest.fixture(scope='module')
def videos():
    root = real_clips_dir('weizmann4_mocogan_derived') / 'videos'
    return [str(root / 'bend/moco_006.mp4'), str(root / 'wave1/moco_002.mp4')]


def _tool():
    module = load_tool(REPO_ROOT / 'tools/infer.py')
    return module


def test_skd_exported_and_baseline_checkpoints_predict(ckpts, videos):
    skd = init_model(SKD, ckpts['skd'])
    plain = init_model(ckpts['plain_cfg'], ckpts['plain'])
    assert type(skd).__name__ == 'SKDSRLRecognizer3D'
    assert type(plain).__name__ == 'Recognizer3D'
    s_skd, s_plain = recognize(skd, videos[0]), recognize(plain, videos[0])
    assert torch.equal(s_skd, s_plain)  # the Siamese head plays no part
    assert s_skd.shape == (N_CLS, )
    assert s_skd.sum() == pytest.approx(1, abs=1e-5)
    # uniform would be 1 / N_CLS: the std-0.5 FC was loaded
    assert s_skd.max() > 2.0 / N_CLS
    baseline = init_model(BASELINE, ckpts['baseline'])
    s_base = recognize(baseline, videos[0])
    assert not torch.allclose(s_base, s_skd)
    best = top_k(s_base, [f'c{i}' for i in range(N_CLS)], k=3)
    assert [b[2] for b in best] == sorted(s_base.tolist(), reverse=True)[:3]
    assert best[0][1] == f'c{int(s_base.argmax())}'


def test_mmaction_init_and_inference_recognizer(ckpts, videos):
    from mmaction.apis import inference_recognizer, init_recognizer
    ours = recognize(init_model(SKD, ckpts['skd']), videos[1])
    for config, ckpt in ((SKD, ckpts['skd']), (ckpts['plain_cfg'],
                                               ckpts['plain'])):
        model = init_recognizer(config, ckpt, device='cpu')
        theirs = inference_recognizer(model, videos[1]).pred_scores.item
        assert torch.allclose(theirs, ours, atol=1e-6)


def test_clear_errors(ckpts, tmp_path):
    model = init_model(SKD, ckpts['skd'])
    bad = tmp_path / 'not_a_video.mp4'
    bad.write_text('hello')
    for video in (str(bad), str(tmp_path / 'missing.mp4')):
        with pytest.raises(VideoReadError, match=re.escape(video)):
            recognize(model, video)
    # SKD-SRL weights in the plain config: only the training-only parts
    # differ, so it loads and scores exactly as the SKD-SRL config does
    plain = init_model(BASELINE, ckpts['skd'])
    assert not hasattr(plain, 'siamese_head')
    video = str(real_clips_dir('weizmann4_mocogan_derived') / 'videos' /
                'bend' / os.listdir(real_clips_dir(
                    'weizmann4_mocogan_derived') / 'videos' / 'bend')[0])
    torch.testing.assert_close(recognize(plain, video),
                               recognize(model, video))
    # and the other way: an exported plain checkpoint in the SKD-SRL config
    # (its projector/predictor keep their initial values, unused here)
    skd_from_plain = init_model(SKD, ckpts['plain'])
    assert type(skd_from_plain).__name__ == 'SKDSRLRecognizer3D'
    torch.testing.assert_close(recognize(skd_from_plain, video),
                               recognize(model, video))
    state = torch.load(ckpts['skd'], weights_only=True)['state_dict']
    state['backbone.extra.weight'] = torch.zeros(1)
    torch.save(dict(state_dict=state), tmp_path / 'extra.pth')
    with pytest.raises(CheckpointMismatchError) as err:
        init_model(BASELINE, str(tmp_path / 'extra.pth'))
    message = str(err.value)
    assert 'unexpected keys (1): backbone.extra.weight' in message
    assert 'siamese_head' not in message and 'missing' not in message
    state.pop('backbone.extra.weight')
    state.pop('cls_head.fc_cls.bias')
    torch.save(dict(state_dict=state), tmp_path / 'cut.pth')
    with pytest.raises(
            CheckpointMismatchError,
            match=r'missing keys \(1\): cls_head.fc_cls.bias'):
        init_model(SKD, str(tmp_path / 'cut.pth'))
    classes = str(real_clips_dir('weizmann4_mocogan_derived') / 'classes.txt')
    with pytest.raises(
            ValueError,
            match=re.escape(
                f'{classes} has 4 names but the model has 8 classes')):
        load_label_map(classes, 8)


def test_cli_prints_top_k_and_writes_json_and_video(ckpts, videos, capsys):
    out = ckpts['tmp'] / 'out'
    rc = _tool().main([
        SKD, ckpts['skd'], videos[0], '--top-k', '3', '--label-map',
        ckpts['labels'], '--out-dir',
        str(out)
    ])
    assert rc == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == videos[0] and lines[2].lstrip().startswith('1. class_')
    record = json.loads((out / 'moco_006.json').read_text())
    assert len(record['top_k']) == 3 and record['protocol']['num_clips'] == 10
    assert record['checkpoint'] == ckpts['skd']
    with av.open(videos[0]) as src, av.open(str(out / 'moco_006_pred.mp4')) \
            as dst:
        assert dst.streams.video[0].codec_context.name == 'h264'
        pairs = list(zip(src.decode(video=0), dst.decode(video=0)))
        assert len(pairs) == src.streams.video[0].frames
    a = np.kron(pairs[5][0].to_ndarray(format='rgb24').astype(float),
                np.ones((4, 4, 1)))  # the writer upscales 64 -> 256 px
    b = pairs[5][1].to_ndarray(format='rgb24').astype(float)
    assert b.shape == (256, 256, 3)
    assert np.abs(a - b)[:20, :60].mean() > 30  # the label band
    assert np.abs(a - b)[100:, :].mean() < 10  # the rest, up to H.264 loss


def test_cli_reports_bad_inputs_and_goes_on(ckpts, videos, tmp_path, capsys):
    tool = _tool()
    bad = tmp_path / 'broken.mp4'
    bad.write_bytes(b'\x00' * 100)
    assert tool.main([SKD, ckpts['skd'], str(bad), videos[1]]) == 1
    captured = capsys.readouterr()
    assert str(bad) in captured.err and videos[1] in captured.out
    assert 'videos: 2/2 (100%)' in captured.err  # progress, off a tty
    classes = real_clips_dir('weizmann4_mocogan_derived') / 'classes.txt'
    assert tool.main(
        [SKD, ckpts['skd'], videos[1], '--label-map',
         str(classes)]) == 1
    assert f'has 4 names but the model has {N_CLS}' in capsys.readouterr().err
    # another architecture's weights: refused, naming the keys
    assert tool.main([SKD, ckpts['baseline'], videos[1],
                      '--cfg-options', 'model.cls_head.num_classes=7']) == 1
    assert 'shape mismatch keys (2): cls_head.fc_cls.bias' in \
        capsys.readouterr().err
    for argv in ([SKD, ckpts['skd']], [videos[1], ckpts['skd'], SKD]):
        with pytest.raises(SystemExit):
            tool.main(argv)


def test_cli_names_classes_from_the_checkpoint(ckpts, videos, capsys):
    tool = _tool()
    assert tool.main([SKD, ckpts['skd'], videos[0], '--top-k', '2']) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split()[1] in NAMES  # "1. action_7 0.83 (class 7)"
    # no names in the checkpoint: class numbers; a label map overrides
    assert tool.main([BASELINE, ckpts['baseline'], videos[0]]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[1].isdigit()
    assert tool.main([SKD, ckpts['skd'], videos[0], '--label-map',
                      ckpts['labels']]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[1].startswith(
        'class_')
