"""Per-clip CPU latency of PyTorch eager vs ONNX Runtime, side by side.

Every (model, runtime) pair runs once per round and the order rotates from
round to round, so machine noise (other processes, frequency changes) hits
all of them alike. Both runtimes run the same :class:`InferenceNet`
(normalisation + encoder + classifier + softmax). FLOPs and parameters come
from MMEngine's analysis tools (``FlopAnalyzer``, ``parameter_count``).
"""
import os.path as osp
import statistics
from typing import Callable, Dict, List, Sequence

import onnxruntime as ort
import torch
from mmaction.registry import MODELS
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.registry import init_default_scope
from torch import nn

from mmskd.utils.progress import silent_progress
from mmskd.utils.timing import time_rounds
from .onnx_export import InferenceNet, export_onnx


def build_r3d(depth: int, num_classes: int = 101) -> InferenceNet:
    """Hara's R3D-``depth`` as evaluated (random weights: latency does not
    depend on them)."""
    init_default_scope('mmaction')  # the data preprocessor is mmaction's
    model = MODELS.build(
        dict(
            type='Recognizer3D',
            backbone=dict(type='ResNet3dHara', depth=depth),
            cls_head=dict(
                type='I3DHead',
                num_classes=num_classes,
                in_channels=512 if depth < 50 else 2048),
            data_preprocessor=dict(
                type='ActionDataPreprocessor',
                mean=[127.5] * 3,
                std=[127.5] * 3,
                format_shape='NCTHW')))
    return InferenceNet(model).eval()


def ort_session(path: str, threads: int) -> ort.InferenceSession:
    """A CPU session with every graph optimisation and ``threads`` cores."""
    options = ort.SessionOptions()
    level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.graph_optimization_level = level
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1  # one clip at a time: no branch overlap
    return ort.InferenceSession(
        path, options, providers=['CPUExecutionProvider'])


def complexity(net: nn.Module, shape: Sequence[int]) -> Dict[str, int]:
    """FLOPs and parameters for one clip, from MMEngine's analysis tools.

    fvcore's convention: a multiply-add of a conv or linear layer is one
    FLOP, an eval BatchNorm two per element; ReLU, additions and pooling are
    not counted (their warnings are switched off to keep the output short).
    """
    clip = torch.rand(1, 3, *shape) * 255
    with torch.no_grad():
        flops = FlopAnalyzer(net, (clip, )).unsupported_ops_warnings(
            False).uncalled_modules_warnings(False).total()
    return dict(flops=int(flops), params=int(parameter_count(net)['']))


def time_interleaved(fns: Dict[str, Callable],
                     repeats: int,
                     warmup: int = 2,
                     progress=silent_progress) -> Dict[str, Dict[str, float]]:
    """Median and p90 milliseconds per call, calls interleaved and rotated."""
    times = time_rounds(fns, repeats, warmup, rotate=True, progress=progress)
    return {
        name: dict(median_ms=1e3 * statistics.median(t),
                   p90_ms=1e3 * _p90(t))
        for name, t in times.items()
    }


def _p90(values: List[float]) -> float:
    """90th percentile, linear interpolation (as numpy's default)."""
    ordered = sorted(values)
    pos = 0.9 * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def runners(net: nn.Module, shape: Sequence[int], onnx_path: str,
            threads: int) -> Dict[str, Callable]:
    """Zero-argument callables: one batch-1 forward in each runtime."""
    export_onnx(net, shape, onnx_path)
    session = ort_session(onnx_path, threads)
    clip = torch.rand(1, 3, *shape) * 255
    feed = {'clips': clip.numpy()}

    def eager():
        with torch.inference_mode():
            net(clip)

    return dict(eager=eager, ort=lambda: session.run(['scores'], feed))


def benchmark(nets: Dict[str, nn.Module],
              shape: Sequence[int],
              workdir: str,
              repeats: int = 30,
              warmup: int = 2,
              threads: int = 1,
              progress=silent_progress) -> List[Dict]:
    """One row per model: FLOPs, params, eager and ORT latency, speed-up."""
    torch.set_num_threads(threads)
    fns, rows = {}, []
    for name, net in nets.items():
        path = osp.join(workdir, f'{name}.onnx')
        for runtime, fn in runners(net, shape, path, threads).items():
            fns[(name, runtime)] = fn
    timed = time_interleaved(fns, repeats, warmup, progress)
    for name, net in nets.items():
        eager, onnx = timed[(name, 'eager')], timed[(name, 'ort')]
        rows.append(
            dict(
                model=name,
                **complexity(net, shape),
                eager_median_ms=eager['median_ms'],
                eager_p90_ms=eager['p90_ms'],
                ort_median_ms=onnx['median_ms'],
                ort_p90_ms=onnx['p90_ms'],
                speedup=eager['median_ms'] / onnx['median_ms']))
    return rows


def markdown_table(rows: List[Dict]) -> str:
    """The rows of :func:`benchmark` as a Markdown table."""
    lines = [
        '| model | GFLOPs | params (M) | eager median / p90 (ms) | '
        'ORT median / p90 (ms) | ORT speed-up |',
        '|---|---:|---:|---:|---:|---:|'
    ]
    for r in rows:
        lines.append(f'| {r["model"]} | {r["flops"] / 1e9:.2f} | '
                     f'{r["params"] / 1e6:.2f} | {r["eager_median_ms"]:.1f} / '
                     f'{r["eager_p90_ms"]:.1f} | {r["ort_median_ms"]:.1f} / '
                     f'{r["ort_p90_ms"]:.1f} | {r["speedup"]:.2f}x |')
    return '\n'.join(lines)
