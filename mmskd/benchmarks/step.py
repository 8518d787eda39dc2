"""Side-by-side timing of SKD-SRL and plain training steps (no data loading).

Both models are timed in one process, alternating, so machine noise hits
both alike; the figure that matters is their ratio.
"""
import statistics
from typing import Callable, Dict, List

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope, init_default_scope

from mmskd.utils.progress import silent_progress
from mmskd.utils.timing import time_rounds


def build_pair(depth: int = 18, num_classes: int = 101,
               view_forward: str = 'batched') -> Dict:
    """An SKD-SRL recognizer and a plain Recognizer3D with the same encoder."""
    if DefaultScope.get_current_instance() is None:
        init_default_scope('mmaction')  # outside a Runner nobody set it
    channels = 512 if depth < 50 else 2048
    backbone = dict(type='ResNet3dHara', depth=depth)
    head = dict(type='I3DHead', num_classes=num_classes,
                in_channels=channels, dropout_ratio=0.0)
    skd = MODELS.build(
        dict(type='SKDSRLRecognizer3D', backbone=backbone, cls_head=head,
             view_forward=view_forward,
             siamese_head=dict(type='SiameseHead', in_channels=channels)))
    plain = MODELS.build(
        dict(type='Recognizer3D', backbone=backbone, cls_head=head))
    return dict(skd=skd, plain=plain)


def train_step_fn(model, inputs: torch.Tensor, labels: List[int]) -> Callable:
    """One forward + backward + SGD step, as the runner does it."""
    model.train()
    optim = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    samples = [ActionDataSample().set_gt_labels(y) for y in labels]

    def step():
        optim.zero_grad(set_to_none=True)
        losses = model.loss(inputs, samples)
        sum(v for k, v in losses.items() if 'loss' in k).backward()
        optim.step()
        if inputs.is_cuda:
            torch.cuda.synchronize()

    return step


def time_alternating(steps: Dict[str, Callable], repeats: int,
                     warmup: int = 1,
                     progress=silent_progress) -> Dict[str, float]:
    """Median seconds per call of each function, calls interleaved in a
    fixed order (:func:`~mmskd.utils.timing.time_rounds`)."""
    times = time_rounds(steps, repeats, warmup, progress=progress)
    return {name: statistics.median(t) for name, t in times.items()}


def compare_step(n: int, clip: tuple, repeats: int = 3, depth: int = 18,
                 device: str = 'cpu',
                 progress=silent_progress) -> Dict[str, float]:
    """SKD-SRL on N videos (2 views) vs plain on 2N clips, both view modes.

    Args:
        n (int): Videos per SKD-SRL batch (the plain model gets 2N clips).
        clip (tuple): ``(T, H, W)`` of one clip.
    """
    t, h, w = clip
    torch.manual_seed(0)
    two_view = torch.randn(n, 2, 3, t, h, w, device=device)
    plain_in = two_view.reshape(2 * n, 1, 3, t, h, w)  # the same pixels
    labels = [i % 10 for i in range(n)]
    steps = {}
    for mode in ('batched', 'separate'):
        pair = build_pair(depth, view_forward=mode)
        steps[mode] = train_step_fn(pair['skd'].to(device), two_view, labels)
    steps['plain_2n'] = train_step_fn(pair['plain'].to(device), plain_in,
                                      labels * 2)
    sec = time_alternating(steps, repeats, progress=progress)
    return dict(
        skd_step_s=sec['batched'], skd_separate_step_s=sec['separate'],
        plain_2n_step_s=sec['plain_2n'],
        ratio=sec['batched'] / sec['plain_2n'],
        ratio_separate=sec['separate'] / sec['plain_2n'])
