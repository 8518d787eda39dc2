"""Recognise the action in video files with a trained checkpoint.

MMAction2's ``init_recognizer`` builds the model and ``inference_recognizer``
scores a video; what is ours is the checkpoint check (strict, except for
SKD-SRL's training-only parts, which may be present or absent), the class
names a checkpoint carries, and clear errors for unreadable videos. One path
for SKD-SRL configs (``predict`` is inherited, the Siamese head is simply not
called), exported plain configs and baselines. Scores follow the config's
test protocol, i.e. ``test_dataloader.dataset.pipeline`` (e.g. 10 clips,
centre crop) with the head's ``average_clips``, as ``tools/test.py`` does.
"""
import os.path as osp
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmaction.apis import inference_recognizer, init_recognizer
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict
from torch import nn

from mmskd.models.recognizers.skd_srl_recognizer3d import TRAIN_ONLY_PREFIXES

MAX_KEYS_SHOWN = 8


class VideoReadError(RuntimeError):
    """A video file that is missing or cannot be decoded."""


class CheckpointMismatchError(ValueError):
    """A checkpoint whose tensors do not fit the config's model."""


def init_model(config: Union[str, Config],
               checkpoint: str,
               device: str = 'cpu',
               cfg_options: Optional[Dict] = None) -> nn.Module:
    """MMAction2's ``init_recognizer``, loading ``checkpoint`` strictly.

    Unlike mmengine's ``load_checkpoint`` (which only warns), any missing,
    unexpected or mis-shaped key raises :class:`CheckpointMismatchError`
    naming them. The one exception is SKD-SRL's training-only parts (the
    projector/predictor and the distillation loss): a full SKD-SRL
    checkpoint loads into its plain ``Recognizer3D`` config and an exported
    plain checkpoint into the SKD-SRL config, since inference never uses
    them. ``model.dataset_meta`` holds what the checkpoint recorded of its
    training set (``classes`` when the config named them).

    Args:
        config (str | Config): The config file (or object) to build from.
        checkpoint (str): A ``.pth`` file, with or without ``state_dict``.
        device (str): Where the model goes. Defaults to ``'cpu'``.
        cfg_options (dict, optional): Overrides merged into the config.

    Returns:
        nn.Module: The recognizer, in eval mode.
    """
    cfg = Config.fromfile(config) if isinstance(config, str) else config
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    model = init_recognizer(cfg, None, device='cpu')
    ckpt = _load_checkpoint(checkpoint, map_location='cpu', logger='silent')
    state = strip_ddp_prefix(ckpt.get('state_dict', ckpt))
    check_state_dict(model, state, checkpoint)
    own = model.state_dict()
    # Only training-only keys may differ (checked above): drop the ones the
    # model lacks and keep the model's own initial values for the ones the
    # checkpoint lacks (an exported plain checkpoint in the SKD-SRL config),
    # so that the strict load still catches anything else.
    state = {**{k: v for k, v in own.items() if k not in state},
             **{k: v for k, v in state.items() if k in own}}
    load_state_dict(model, state, strict=True)
    model.dataset_meta = dict(ckpt.get('meta', {}).get('dataset_meta') or {})
    return model.to(device).eval()


def class_names(model: nn.Module) -> Optional[List[str]]:
    """The class names the checkpoint carried, if any."""
    names = getattr(model, 'dataset_meta', {}).get('classes')
    return list(names) if names else None


def load_state_dict_file(checkpoint: str) -> Dict:
    """The weights of a checkpoint file (or URL), without a DDP prefix."""
    # 'silent' drops mmengine's "Loads checkpoint by ..." line, which would
    # land among the tool's results on stdout.
    ckpt = _load_checkpoint(checkpoint, map_location='cpu', logger='silent')
    return strip_ddp_prefix(ckpt.get('state_dict', ckpt))


def strip_ddp_prefix(state: Dict) -> Dict:
    """DistributedDataParallel checkpoints prefix every key with
    ``module.``."""
    return {
        k[len('module.'):] if k.startswith('module.') else k: v
        for k, v in state.items()
    }


def verify_checkpoint(cfg: Config, checkpoint: str) -> None:
    """Raise :class:`CheckpointMismatchError` unless ``checkpoint`` fits
    the model of ``cfg`` (see :func:`check_state_dict`). The model is built
    on the meta device: no memory, no initialisation."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    check_state_dict(model, load_state_dict_file(checkpoint), checkpoint)


def _train_only(key: str) -> bool:
    return key.startswith(TRAIN_ONLY_PREFIXES)


def check_state_dict(model: nn.Module, state: Dict, name: str) -> None:
    """Raise :class:`CheckpointMismatchError` unless keys and shapes match,
    SKD-SRL's training-only keys aside (inference does not use them)."""
    own = model.state_dict()
    missing = sorted(k for k in set(own) - set(state) if not _train_only(k))
    unexpected = sorted(k for k in set(state) - set(own)
                        if not _train_only(k))
    shapes = sorted(
        k for k in set(own) & set(state)
        if tuple(own[k].shape) != tuple(state[k].shape))
    if not (missing or unexpected or shapes):
        return
    lines = [
        f'checkpoint {name} does not match the config\'s '
        f'{type(model).__name__}:'
    ]
    for title, keys in (('missing', missing), ('unexpected', unexpected),
                        ('shape mismatch', shapes)):
        if keys:
            shown = ', '.join(keys[:MAX_KEYS_SHOWN])
            more = len(keys) - MAX_KEYS_SHOWN
            lines.append(f'  {title} keys ({len(keys)}): {shown}' +
                         (f' ... and {more} more' if more > 0 else ''))
    raise CheckpointMismatchError('\n'.join(lines))


def inference_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline, fed with a bare video file name."""
    steps = cfg.test_dataloader.dataset.pipeline
    if not any(s['type'].endswith('Init') for s in steps):
        raise ValueError('inference needs a video test pipeline (a *Init '
                         f'step); got {[s["type"] for s in steps]}')
    return Compose(steps)


def describe_protocol(model: nn.Module) -> Dict:
    """What the scores mean: clips, crop and clip averaging of the config."""
    steps = model.cfg.test_dataloader.dataset.pipeline
    sampler = next(s for s in steps if 'SampleFrames' in s['type'])
    crops = [s for s in steps if 'Crop' in s['type']]
    return dict(
        num_clips=sampler.get('num_clips', 1),
        clip_len=sampler.get('clip_len'),
        frame_interval=sampler.get('frame_interval', 1),
        crop=(f'{crops[0]["type"]} {crops[0].get("crop_size")}'
              if crops else None),
        average_clips=getattr(model.cls_head, 'average_clips', None))


def recognize(model: nn.Module,
              video: str,
              pipeline: Optional[Compose] = None) -> torch.Tensor:
    """Class scores of one video, shape ``[num_classes]``
    (``inference_recognizer`` with the config's test protocol).

    Raises:
        VideoReadError: ``video`` is missing or cannot be decoded.
    """
    pipeline = pipeline or inference_pipeline(model.cfg)
    if not osp.isfile(video):
        raise VideoReadError(f'video not found: {video}')
    try:
        result = inference_recognizer(model, video, pipeline)
    except Exception as err:  # decord/PyAV raise their own error types
        raise VideoReadError(f'cannot read video {video}: '
                             f'{type(err).__name__}: {err}') from err
    return result.pred_scores.item.cpu()


def load_label_map(path: str, num_classes: int) -> List[str]:
    """Class names, one a line (line i = label i), checked against K."""
    with open(path) as f:
        names = [line.strip() for line in f if line.strip()]
    if len(names) != num_classes:
        raise ValueError(f'label map {path} has {len(names)} names but the '
                         f'model has {num_classes} classes')
    return names


def top_k(scores: torch.Tensor,
          labels: Optional[List[str]] = None,
          k: int = 5) -> List[Tuple[int, str, float]]:
    """The ``k`` best ``(index, name, score)``, best first."""
    values, indices = scores.topk(min(k, scores.numel()))
    return [(int(i), labels[i] if labels else str(int(i)), float(v))
            for v, i in zip(values, indices)]
