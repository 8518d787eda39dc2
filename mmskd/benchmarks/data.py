"""Per-worker cost of train pipelines: SKD-SRL's two views vs a stock view.

One process, no DataLoader: every pipeline runs on every video in turn
(interleaved), each call seeded alike, so the first view of a two-view
sample is the stock pipeline's clip and machine noise hits all pipelines
alike. What ``tools/analysis/benchmark_data.py`` prints comes from here.
"""
import copy
import math
import os.path as osp
import time
from collections import defaultdict
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.dataset import pseudo_collate

from mmskd.datasets.transforms import TwoViewSample
from mmskd.utils.progress import silent_progress


def write_test_video(path: str, num_frames: int = 250, size=(320, 240),
                     gop: int = 250, seed: int = 0) -> str:
    """An H.264 clip of a moving textured scene, one keyframe every ``gop``.

    Real-ish for decoding cost: smooth texture, global motion and a moving
    object, default bitrate control (crf 23), closed GOPs of fixed length.
    """
    import av
    import cv2
    w, h = size
    rng = np.random.default_rng(seed)
    scene = cv2.GaussianBlur(
        rng.integers(0, 256, (2 * h, 2 * w, 3), dtype=np.uint8), (9, 9), 3)
    with av.open(path, 'w') as container:
        stream = container.add_stream('libx264', rate=25)
        stream.width, stream.height, stream.pix_fmt = w, h, 'yuv420p'
        stream.options = dict(g=str(gop), keyint_min=str(gop), crf='23',
                              sc_threshold='0', preset='veryfast')
        for i in range(num_frames):
            dx = int(w / 4 * (1 + np.sin(i / 20)))
            dy = int(h / 4 * (1 + np.cos(i / 15)))
            img = scene[dy:dy + h, dx:dx + w].copy()  # [H, W, 3]
            cv2.circle(img, (3 * i % w, h // 2), h // 12, (255, 40, 0), -1)
            frame = av.VideoFrame.from_ndarray(img, format='rgb24')
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


def make_test_videos(folder: str, num_videos: int, num_frames: int = 250,
                     size=(320, 240), gops=(25, 250)) -> List[str]:
    """``num_videos`` clips, keyframe intervals spread log-evenly in gops."""
    spread = np.geomspace(gops[0], gops[-1], num_videos).round().astype(int)
    return [
        write_test_video(osp.join(folder, f'gop{g}_{i}.mp4'), num_frames,
                         size, int(g), seed=i) for i, g in enumerate(spread)
    ]


def read_video_list(ann_file: str, data_prefix: str = '') -> List[str]:
    """Video paths of a VideoDataset annotation file ("path label" lines)."""
    with open(ann_file) as f:
        rel = [line.split()[0] for line in f if line.strip()]
    return [osp.join(data_prefix, r) for r in rel]


def stock_single_view_pipeline(sampler: Dict, resize: Dict,
                               crop: Dict) -> List[dict]:
    """MMAction2's plain train pipeline with the given sampling and sizes.

    Args:
        sampler, resize, crop (dict): Configs of its ``SampleFrames``,
            ``Resize`` and ``RandomCrop`` steps.
    """
    return [
        dict(type='DecordInit'),
        copy.deepcopy(sampler),
        dict(type='DecordDecode'),
        copy.deepcopy(resize),
        copy.deepcopy(crop),
        dict(type='Flip', flip_ratio=0.5),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs')
    ]


def pipelines_from_config(pipeline: Sequence[dict]) -> Dict[str, List]:
    """The config's two-view pipeline, its variants and the stock one.

    Returns (name: pipeline): ``two_view`` (as configured), ``two_view_flip``
    (``SKDClipAugment`` replaced by the stock ``Flip``: the wrapper's own
    cost), ``two_view_float_aug`` (``SKDClipAugment(uint8_path=False)``: the
    plain float32 path, same frames), ``two_view_decode_twice``
    (``decode_once=False``) and ``single_view`` (stock MMAction2, the view
    pipeline's sizes).
    """
    steps = [s for s in pipeline if s['type'] == 'TwoViewSample']
    if len(steps) != 1:
        raise ValueError('expected one TwoViewSample step in the train '
                         f'pipeline, got {[s["type"] for s in pipeline]}')
    view = steps[0]['view_pipeline']
    step = {s['type']: s for s in view}
    stock = stock_single_view_pipeline(step['SampleFrames'], step['Resize'],
                                       step['RandomCrop'])

    def variant(**changes):
        out = copy.deepcopy(list(pipeline))
        wrapper = out[pipeline.index(steps[0])]
        aug = changes.pop('aug', None)
        wrapper.update(changes)
        if aug is not None:
            wrapper['view_pipeline'] = [
                aug(s) if s['type'] == 'SKDClipAugment' else s for s in view
            ]
        return out

    return dict(two_view=variant(),
                two_view_flip=variant(
                    aug=lambda s: dict(type='Flip', flip_ratio=0.5)),
                two_view_float_aug=variant(
                    aug=lambda s: dict(s, uint8_path=False)),
                two_view_decode_twice=variant(decode_once=False),
                single_view=stock)


def sample_dict(path: str) -> Dict:
    """What VideoDataset hands the pipeline for one video."""
    return dict(filename=path, label=0, start_index=0, modality='RGB')


def time_pipelines(pipelines: Dict[str, Callable], videos: Sequence[str],
                   repeats: int,
                   progress=silent_progress) -> Dict[str, np.ndarray]:
    """Seconds per sample, array [repeats, videos] for each pipeline.

    Calls are interleaved (video by video, pipeline by pipeline) and seeded
    alike, so every pipeline draws the same first clip and crop. The order
    of the pipelines rotates from one video to the next: whichever runs
    right after others on the same file runs faster (up to 15% measured for
    the stock pipeline on ucf101_mini), so a fixed order favours the last.
    """
    times = {name: np.zeros((repeats, len(videos))) for name in pipelines}
    for name, pipeline in pipelines.items():  # warm-up: imports, caches
        pipeline(sample_dict(videos[0]))
    names = list(pipelines)
    with progress(repeats * len(videos)) as bar:
        for r in range(repeats):
            for v, path in enumerate(videos):
                sample = r * len(videos) + v
                shift = sample % len(names)
                for name in names[shift:] + names[:shift]:
                    pipeline = pipelines[name]
                    np.random.seed(sample)
                    start = time.perf_counter()
                    pipeline(sample_dict(path))
                    times[name][r, v] = time.perf_counter() - start
                bar.advance()
    return times


def workers_needed(batch_size: int, per_sample_s: float,
                   step_s: float) -> int:
    """DataLoader workers that load a batch within one training step."""
    if step_s <= 0:
        raise ValueError(f'step_s must be positive, got {step_s}')
    return max(1, math.ceil(batch_size * per_sample_s / step_s))


def summarize(times: Dict[str, np.ndarray]) -> Dict[str, float]:
    """Throughput of each pipeline and the two-view / stock ratios."""
    mean = {name: float(t.mean()) for name, t in times.items()}
    single = mean['single_view']
    out = dict(two_view_samples_per_s=1 / mean['two_view'],
               single_view_samples_per_s=1 / single,
               ratio=mean['two_view'] / single)
    for name, sec in mean.items():
        out[f'{name}_ms'] = 1e3 * sec
        if name not in ('two_view', 'single_view'):
            out[f'ratio_{name}'] = sec / single
    return out


class _Timed:
    """Wraps a transform and adds its run time to ``totals[name]``."""

    def __init__(self, transform: Callable, name: str, totals: Dict) -> None:
        self.transform, self.name, self.totals = transform, name, totals

    def __call__(self, results: Dict) -> Optional[Dict]:
        start = time.perf_counter()
        out = self.transform(results)
        self.totals[self.name] += time.perf_counter() - start
        return out


def step_breakdown(pipeline: Sequence[dict], videos: Sequence[str],
                   repeats: int = 1) -> Dict[str, float]:
    """Milliseconds per sample of each step; a ``TwoViewSample`` is split
    into its views' steps (``view:Name``, both views) and its own work
    (union decode and merge)."""
    totals = defaultdict(float)
    compose = Compose(copy.deepcopy(list(pipeline)))
    for i, t in enumerate(compose.transforms):
        name = type(t).__name__
        if isinstance(t, TwoViewSample):
            for part in (t.head, t.tail):
                part.transforms = [
                    _Timed(s, f'view:{type(s).__name__}', totals)
                    for s in part.transforms
                ]
        compose.transforms[i] = _Timed(t, name, totals)
    for r in range(repeats):
        for v, path in enumerate(videos):
            np.random.seed(r * len(videos) + v)
            compose(sample_dict(path))
    views = sum(s for n, s in totals.items() if n.startswith('view:'))
    if 'TwoViewSample' in totals:
        totals['TwoViewSample'] -= views  # its own work only
    n = repeats * len(videos)
    return {name: 1e3 * s / n for name, s in totals.items()}


def measure_step_s(model_cfg: Dict, sample: Dict, batch_size: int,
                   repeats: int = 1) -> float:
    """Seconds of one training step (``model.train_step``, SGD) on CPU."""
    from mmaction.registry import MODELS
    from mmengine.optim import OptimWrapper
    model = MODELS.build(copy.deepcopy(model_cfg))
    model.train()
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    data = pseudo_collate([copy.deepcopy(sample) for _ in range(batch_size)])
    times = []
    for _ in range(repeats + 1):  # the first is a warm-up
        start = time.perf_counter()
        model.train_step(data, optim)
        times.append(time.perf_counter() - start)
    return float(np.median(times[1:]))
