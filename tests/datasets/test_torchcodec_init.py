"""TorchCodecInit hands the decord-based pipelines a torchcodec reader; the
frames that come out are the same as through DecordInit."""
import sys
import types

import decord
import numpy as np
import pytest
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import Compose

from helpers.videos import make_video_set

VIEW = [dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
        dict(type='DecordDecode'), dict(type='Resize', scale=(-1, 36)),
        dict(type='RandomCrop', size=32), dict(type='SKDClipAugment'),
        dict(type='FormatShape', input_format='NCTHW')]


class _DecordBackedDecoder:
    """torchcodec's VideoDecoder API (metadata, get_frames_at -> .data as
    [N, 3, H, W] uint8), served by decord: tests our adapter without the
    torchcodec package, which needs FFmpeg libraries and a CUDA torch."""

    def __init__(self, path, device='cpu', num_ffmpeg_threads=1,
                 seek_mode='exact'):
        self._reader = decord.VideoReader(path, num_threads=1)
        self.metadata = types.SimpleNamespace(
            num_frames=len(self._reader),
            average_fps=self._reader.get_avg_fps())

    def get_frames_at(self, indices):
        frames = self._reader.get_batch(list(indices)).asnumpy()
        return types.SimpleNamespace(
            data=torch.from_numpy(frames).permute(0, 3, 1, 2))


def _run(init, path, seed=0):
    pipeline = Compose([TRANSFORMS.build(init), TRANSFORMS.build(dict(
        type='TwoViewSample', view_pipeline=VIEW))])
    np.random.seed(seed)
    return pipeline(dict(filename=path, start_index=0, modality='RGB'))


def test_two_views_through_torchcodec_reader_equal_decord(
        tmp_path, monkeypatch):
    make_video_set(tmp_path, dict(train=1))
    path = str(tmp_path / 'train_00.mp4')
    fake = types.ModuleType('torchcodec.decoders')
    fake.VideoDecoder = _DecordBackedDecoder
    monkeypatch.setitem(sys.modules, 'torchcodec', types.ModuleType('tc'))
    monkeypatch.setitem(sys.modules, 'torchcodec.decoders', fake)
    ours = _run(dict(type='TorchCodecInit'), path)
    ref = _run(dict(type='DecordInit'), path)
    assert ours['total_frames'] == ref['total_frames'] == 12
    assert ours['imgs'].shape == ref['imgs'].shape == (2, 3, 4, 32, 32)
    assert np.array_equal(ours['imgs'], ref['imgs'])
    assert [list(i) for i in ours['view_frame_inds']] == \
        [list(i) for i in ref['view_frame_inds']]


def test_real_torchcodec_when_installed(tmp_path):
    pytest.importorskip('torchcodec.decoders', reason='torchcodec is an '
                        'optional backend (FFmpeg libraries, CUDA torch)')
    make_video_set(tmp_path, dict(train=1))
    path = str(tmp_path / 'train_00.mp4')
    assert np.array_equal(_run(dict(type='TorchCodecInit'), path)['imgs'],
                          _run(dict(type='DecordInit'), path)['imgs'])
