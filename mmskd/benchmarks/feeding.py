"""Does the data loader keep the training device busy?

The real loader (a config's ``train_dataloader``, built by MMEngine with N
workers) feeds the real training step (``model.train_step`` with the
config's optimiser, optionally AMP and channels_last_3d) for a number of
iterations. Per iteration the wait for the next batch and the step itself
are timed apart (the step ends with a device synchronisation), so

    busy = step time / (wait + step time)

is the fraction of the run the device computed, and clips per second count
what it trained on (two per video for SKD-SRL). The first iterations (worker
start-up, cuDNN autotuning) are discarded.
"""
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import torch
from mmengine.config import Config


@dataclass
class FeedResult:
    """One measured configuration."""
    name: str
    workers: int
    batch_videos: int
    clips_per_video: int
    wait_s: List[float] = field(default_factory=list)
    step_s: List[float] = field(default_factory=list)

    def summary(self) -> Dict:
        wait, step = sum(self.wait_s), sum(self.step_s)
        clips = len(self.step_s) * self.batch_videos * self.clips_per_video
        return dict(name=self.name, workers=self.workers,
                    iterations=len(self.step_s),
                    busy=round(step / (wait + step), 4),
                    clips_per_s=round(clips / (wait + step), 2),
                    step_ms=round(1000 * step / len(self.step_s), 1),
                    wait_ms=round(1000 * wait / len(self.step_s), 1))


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def build(cfg: Config, workers: int, device: str, amp: bool,
          channels_last: bool):
    """Model, optimiser wrapper and loader of ``cfg`` (as the Runner
    builds them), on ``device``."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner

    from mmaction.registry import MODELS
    from mmskd.engine.speed import enable_channels_last_3d
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    loader_cfg = dict(cfg.train_dataloader)
    loader_cfg.update(num_workers=workers,
                      persistent_workers=workers > 0,
                      pin_memory=device != 'cpu')
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    model = MODELS.build(cfg.model).to(device)
    model.init_weights()
    if channels_last:
        enable_channels_last_3d(model)
    wrapper_cfg = dict(cfg.optim_wrapper)
    if amp:
        wrapper_cfg.update(type='AmpOptimWrapper', dtype='float16',
                           loss_scale='dynamic')
    wrapper = build_optim_wrapper(model, wrapper_cfg)
    return model.train(), wrapper, loader


def feed(cfg: Config, workers: int, iterations: int, warmup: int = 3,
         device: str = 'cuda', amp: bool = False,
         channels_last: bool = False, name: Optional[str] = None
         ) -> FeedResult:
    """Run ``warmup + iterations`` training iterations from the real loader
    and time each one's wait and step."""
    dev = torch.device(device)
    model, wrapper, loader = build(cfg, workers, device, amp, channels_last)
    two_view = cfg.model.type == 'SKDSRLRecognizer3D'
    result = FeedResult(name or cfg.model.type, workers,
                        cfg.train_dataloader.batch_size, 2 if two_view else 1)
    batches = iter(loader)
    for k in range(warmup + iterations):
        start = time.perf_counter()
        try:
            data = next(batches)
        except StopIteration:  # a short list: start the next epoch
            batches = iter(loader)
            data = next(batches)
        got = time.perf_counter()
        model.train_step(data, wrapper)
        _sync(dev)
        done = time.perf_counter()
        if k >= warmup:
            result.wait_s.append(got - start)
            result.step_s.append(done - got)
    del batches
    return result
