"""Export the inference network (encoder + classifier) to ONNX, checked.

The graph has one input and two outputs, one row per clip:

- ``clips``: float32 ``[N, 3, T, H, W]``, RGB pixels in 0-255 as the test
  pipeline yields them (``FormatShape`` NCTHW). The data preprocessor's
  mean/std normalisation is inside the graph.
- ``logits``: ``[N, K]``, the classifier's raw output (MMAction2's
  ``_forward`` with ``stage='head'``, i.e. ``mode='tensor'``).
- ``scores``: ``softmax(logits)``. A video's score is the mean of its clips'
  ``scores``, as ``average_clips='prob'`` in the configs.

N is dynamic; T, H, W are fixed. The projector and predictor are not part of
it: an SKD-SRL model is first reduced to the plain ``Recognizer3D`` that
:mod:`mmskd.deployment.export` writes. torch 2.13's default (dynamo)
exporter needs ``onnxscript``, which the stack does not install, so the
TorchScript exporter (``dynamo=False``) is used; it is deprecated upstream
but works here.
"""
import os
import warnings
from typing import Dict, Sequence, Tuple

import numpy as np
import onnx
import onnxruntime as ort
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from torch import nn

from mmskd.apis.inference import init_model
from .export import plain_model_cfg, strip_state_dict
from mmskd.utils.io import atomic_output


class InferenceNet(nn.Module):
    """Pixels ``[N, 3, T, H, W]`` -> ``(logits, scores)``, each ``[N, K]``."""

    def __init__(self, recognizer: nn.Module) -> None:
        super().__init__()
        self.recognizer = recognizer
        pre = recognizer.data_preprocessor
        normalize = getattr(pre, '_enable_normalize', False)
        mean = pre.mean.clone() if normalize else torch.zeros(3, 1, 1, 1)
        std = pre.std.clone() if normalize else torch.ones(3, 1, 1, 1)
        self.register_buffer('mean', mean.view(1, -1, 1, 1, 1))
        self.register_buffer('std', std.view(1, -1, 1, 1, 1))
        self.to_rgb = bool(getattr(pre, 'to_rgb', False))

    def forward(self, clips: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        if self.to_rgb:  # the preprocessor flips BGR decoders' channels
            clips = clips[:, [2, 1, 0]]
        x = (clips - self.mean) / self.std  # [N, C, T, H, W]
        # one clip per video row: [N, 1, C, T, H, W] -> logits [N, K]
        logits = self.recognizer(x.unsqueeze(1), mode='tensor', stage='head')
        return logits, logits.softmax(dim=-1)


def load_inference_net(config: str, checkpoint: str) -> InferenceNet:
    """Strictly load ``checkpoint``; keep only the encoder + classifier."""
    cfg = Config.fromfile(config)
    model = init_model(cfg, checkpoint)
    if cfg.model.get('type') == 'SKDSRLRecognizer3D':
        plain = MODELS.build(plain_model_cfg(cfg.model))
        kept, _ = strip_state_dict(model.state_dict())
        plain.load_state_dict(kept, strict=True)
        plain.cfg, model = cfg, plain
    return InferenceNet(model).eval()


def clip_shape(cfg: Config) -> Tuple[int, int, int]:
    """``(T, H, W)`` of one test clip: SampleFrames clip_len, crop size."""
    steps = cfg.test_dataloader.dataset.pipeline
    samplers = [s for s in steps if 'SampleFrames' in s['type']]
    crops = [
        s for s in steps if s['type'] in ('CenterCrop', 'ThreeCrop', 'TenCrop')
    ]
    if len(samplers) != 1 or len(crops) != 1:
        raise ValueError('cannot read the clip shape from the test pipeline '
                         f'{[s["type"] for s in steps]}: give --shape T H W')
    size = crops[0]['crop_size']
    w, h = (size, size) if isinstance(size, int) else size  # mmcv: (w, h)
    return int(samplers[0]['clip_len']), int(h), int(w)


def export_onnx(net: nn.Module,
                shape: Sequence[int],
                path: str,
                opset: int = 17) -> None:
    """Trace ``net`` at batch 1 into ``path`` with a dynamic batch axis."""
    dummy = torch.rand(1, 3, *shape) * 255
    axes = {name: {0: 'batch'} for name in ('clips', 'logits', 'scores')}
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter warns that it is deprecated (see above),
        # and mmcv's conv wrappers test x.numel() == 0, a constant per trace.
        warnings.simplefilter('ignore', DeprecationWarning)
        warnings.simplefilter('ignore', torch.jit.TracerWarning)
        torch.onnx.export(
            net, (dummy, ),
            path,
            dynamo=False,
            opset_version=opset,
            input_names=['clips'],
            output_names=['logits', 'scores'],
            dynamic_axes=axes)
    onnx.checker.check_model(path)


def max_abs_diff(
    net: nn.Module,
    path: str,
    shape: Tuple[int, ...],
    batch_sizes: Tuple[int, ...] = (1, 2)
) -> Dict[int, float]:
    """Largest |ONNX Runtime - PyTorch| over both outputs, per batch size.

    Inputs are random pixels in 0-255, one draw per batch size (seeded).
    """
    session = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    gen = torch.Generator().manual_seed(0)
    diffs = {}
    for n in batch_sizes:
        clips = torch.rand(n, 3, *shape, generator=gen) * 255
        with torch.no_grad():
            expected = [t.numpy() for t in net(clips)]
        got = session.run(['logits', 'scores'], {'clips': clips.numpy()})
        diffs[n] = max(
            float(np.abs(a - b).max()) for a, b in zip(expected, got))
    return diffs


def export_checked(net: nn.Module,
                   shape: Sequence[int],
                   out: str,
                   opset: int = 17,
                   batch_sizes: Sequence[int] = (1, 2),
                   atol: float = 1e-4) -> Dict:
    """Export, compare with PyTorch, and move to ``out`` only if it passes.

    Returns:
        dict: ``max_abs_diff`` per batch size, ``passed`` and ``out``
        (``None`` when the check failed and nothing was written).
    """
    with atomic_output(out) as tmp:
        export_onnx(net, shape, tmp, opset)
        diffs = max_abs_diff(net, tmp, shape, batch_sizes)
        passed = max(diffs.values()) <= atol
        if not passed:
            os.remove(tmp)  # nothing reaches ``out``
    return dict(max_abs_diff=diffs, passed=passed, out=out if passed else None)
