"""Turn a trained SKD-SRL model into a plain ``Recognizer3D``.

The projector g and predictor q only serve L_sim during training
(docs/method.md, section 1); inference is encoder + FC. Dropping them leaves
a checkpoint any MMAction2 tool loads for a stock ``Recognizer3D`` config.
"""
import copy
import os.path as osp
from typing import Dict, Tuple

import torch
from mmengine.config import Config, ConfigDict

from mmskd.models.recognizers.skd_srl_recognizer3d import (
    TRAIN_ONLY_MODEL_KEYS, TRAIN_ONLY_PREFIXES)
from mmskd.utils.io import atomic_output


def plain_model_cfg(model_cfg: Dict) -> ConfigDict:
    """The ``Recognizer3D`` config that a ``SKDSRLRecognizer3D`` config
    reduces to at inference."""
    if model_cfg.get('type') != 'SKDSRLRecognizer3D':
        raise ValueError('expected a SKDSRLRecognizer3D model config, got '
                         f'type={model_cfg.get("type")!r}')
    cfg = ConfigDict(copy.deepcopy(dict(model_cfg)))
    for key in TRAIN_ONLY_MODEL_KEYS:
        cfg.pop(key, None)
    cfg.type = 'Recognizer3D'
    return cfg


def strip_state_dict(state_dict: Dict) -> Tuple[Dict, list]:
    """Drop the training-only heads; return the kept dict and dropped keys."""
    kept, dropped = {}, []
    for key, value in state_dict.items():
        if key.startswith(TRAIN_ONLY_PREFIXES):
            dropped.append(key)
        else:
            kept[key] = value
    return kept, dropped


def export_plain(config: str, checkpoint: str, out: str) -> Dict:
    """Write ``out`` (weights + plain metadata) and ``out`` with ``.py``
    (the plain config). Both are written atomically.

    Returns:
        dict: ``dict(checkpoint=..., config=..., dropped=[...])``.
    """
    if not out.endswith('.pth'):
        raise ValueError(f'output must end with .pth, got {out}')
    cfg = Config.fromfile(config)
    cfg.model = plain_model_cfg(cfg.model)
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=True)
    state = ckpt.get('state_dict', ckpt)
    kept, dropped = strip_state_dict(state)
    if not dropped:
        raise ValueError(f'{checkpoint} holds no siamese_head.* weights: is '
                         'it an SKD-SRL checkpoint?')
    meta = dict(
        source_checkpoint=osp.basename(checkpoint),
        source_config=osp.basename(config),
        exported_by='mmskd.deployment.export',
        epoch=int(ckpt.get('meta', {}).get('epoch', -1)))
    with atomic_output(out) as tmp:
        torch.save(dict(state_dict=kept, meta=meta), tmp)
    out_cfg = out[:-len('.pth')] + '.py'
    with atomic_output(out_cfg) as tmp:
        cfg.dump(tmp)
    return dict(checkpoint=out, config=out_cfg, dropped=dropped)
