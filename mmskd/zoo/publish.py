"""Release checkpoints: weights and plain metadata, named by their hash.

A training checkpoint holds the optimizer, the message hub (mmengine
objects) and the config text. A release holds ``state_dict`` (tensors only)
and ``meta`` (str/int/float/list/dict only), so it loads with
``torch.load(weights_only=True)`` and no code of ours or mmengine's. As in
MMAction2's model zoo, ``dir/name.pth`` is written as
``dir/name-<sha256[:8]>.pth`` (the hash of the file's bytes).
"""
import hashlib
import json
import os
import os.path as osp
import pickle
from typing import Dict

import torch

from mmskd.deployment.export import strip_state_dict

META_KEYS = ('epoch', 'iter', 'seed', 'mmengine_version', 'dataset_meta')


def load_checkpoint_file(path: str, unsafe_load: bool = False) -> Dict:
    """``torch.load`` that refuses arbitrary pickled objects.

    Args:
        path (str): A checkpoint from an untrusted or unknown source.
        unsafe_load (bool): Allow any pickled object (``weights_only=False``)
            (it runs code stored in the file). Defaults to False.

    Raises:
        pickle.UnpicklingError: The file pickles a global outside the
            allow-list (tensors, containers, mmengine's message hub).
    """
    try:
        return torch.load(path, map_location='cpu',
                          weights_only=not unsafe_load)
    except pickle.UnpicklingError as err:
        raise pickle.UnpicklingError(
            f'refused to load {path}: it pickles objects outside the '
            'weights-only allow-list, and unpickling them could run '
            'arbitrary code. Pass --unsafe-load only if you trust the file.'
            f'\n{err}') from None


def plain_meta(meta: Dict) -> Dict:
    """The ``META_KEYS`` of ``meta`` whose values are plain (JSON) data."""
    kept = {}
    for key in META_KEYS:
        try:
            kept[key] = json.loads(json.dumps(meta[key]))
        except (KeyError, TypeError, ValueError):
            continue  # absent, or holds objects a release must not carry
    return kept


def publish_checkpoint(src: str, out: str, strip_train_heads: bool = False,
                       unsafe_load: bool = False) -> str:
    """Write the release of checkpoint ``src``; return its final path.

    Args:
        src (str): A training checkpoint (or a bare state dict).
        out (str): ``dir/name.pth``; the file becomes
            ``dir/name-<sha256[:8]>.pth``.
        strip_train_heads (bool): Drop ``siamese_head.*`` / ``loss_kd.*``
            (SKD-SRL training-only weights). Defaults to False.
        unsafe_load (bool): See :func:`load_checkpoint_file`.
    """
    if not out.endswith('.pth'):
        raise ValueError(f'output must end with .pth, got {out}')
    ckpt = load_checkpoint_file(src, unsafe_load)
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError(f'{src} holds no state_dict of tensors')
    if strip_train_heads:
        state, _ = strip_state_dict(state)
    meta = plain_meta(ckpt.get('meta', {}))
    meta['source_checkpoint'] = osp.basename(src)
    release = dict(
        state_dict={k: v.detach().cpu().contiguous()
                    for k, v in state.items()},
        meta=meta)
    return _save_hashed(release, out)


def _save_hashed(release: Dict, out: str) -> str:
    """Save to ``out`` + ``.tmp``, then rename to ``<stem>-<sha8>.pth``."""
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    tmp = out + '.tmp'
    torch.save(release, tmp)  # tensors and JSON data: weights-only safe
    with open(tmp, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    final = f'{out[:-len(".pth")]}-{sha[:8]}.pth'
    os.replace(tmp, final)
    return final
