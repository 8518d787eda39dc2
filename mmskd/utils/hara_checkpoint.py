"""Convert Hara et al.'s 3D-ResNet checkpoints for ``ResNet3dHara``.

Hara's names (conv1, bn1, layerL.B.convK/bnK, downsample.0/.1, fc; maybe
``module.``-prefixed) become those of a ``Recognizer3D`` with ``ResNet3dHara``
and ``I3DHead``. Expected names and shapes are read off that model (built on
the meta device), so a converted checkpoint loads into it strictly.
"""
import os
import pickle
import re
from typing import Dict, Optional, Tuple

import torch

CONVERTER_VERSION = 1
StateDict = Dict[str, torch.Tensor]


class HaraCheckpointError(ValueError):
    """A source checkpoint that cannot be converted (the message says why)."""


def load_source(src: str, unsafe_load: bool = False) -> object:
    """``torch.load`` SRC on the CPU; pickled objects need ``unsafe_load``."""
    if not os.path.isfile(src):
        raise FileNotFoundError(f'source checkpoint not found: {src}')
    try:
        return torch.load(
            src, map_location='cpu', weights_only=not unsafe_load)
    except pickle.UnpicklingError as err:
        raise HaraCheckpointError(
            f'{src} cannot be loaded with torch.load(weights_only=True): it '
            'holds non-tensor Python objects (or is no torch file). Unpickling'
            ' them can run arbitrary code; only if you trust the file, rerun '
            f'with --unsafe-load. Details: {err}') from None


def extract_state_dict(obj: object) -> StateDict:
    """Hara's state dict from a checkpoint, without any ``module.`` prefix."""
    sd = obj.get('state_dict', obj) if isinstance(obj, dict) else obj
    if not (isinstance(sd, dict) and sd and all(
            isinstance(k, str) and torch.is_tensor(v) for k, v in sd.items())):
        top = sorted(map(str, obj))[:10] if isinstance(obj, dict) else obj
        raise HaraCheckpointError("source has no 'state_dict' key and is not "
                                  f'a plain state dict (top level: {top!r})')
    return {k[7:] if k.startswith('module.') else k: v for k, v in sd.items()}


def _describe(keys) -> Tuple[str, Tuple[int, ...]]:
    """(block type, blocks per stage) read off Hara-style key names."""
    hits = [m for m in map(re.compile(r'layer(\d)\.(\d+)\.conv(\d)').match,
                           keys) if m]
    counts = tuple(1 + max((int(m[2]) for m in hits if m[1] == str(stage)),
                           default=-1) for stage in range(1, 5))
    bottleneck = any(m[3] == '3' for m in hits)
    return ('Bottleneck' if bottleneck else 'BasicBlock'), counts


def _hara_name(name: str) -> str:
    """Hara's name for a ``Recognizer3D`` state-dict name."""
    name = re.sub(r'^backbone\.', '', name).replace('cls_head.fc_cls.', 'fc.')
    name = re.sub(r'conv(\d)\.conv\.', r'conv\1.', name)  # conv1.conv.
    name = re.sub(r'conv(\d)\.bn\.', r'bn\1.', name)  # conv1.bn. -> bn1.
    return name.replace('downsample.conv.', 'downsample.0.').replace(
        'downsample.bn.', 'downsample.1.')


def target_names(depth: int, num_classes: int) -> Dict[str, tuple]:
    """Hara name -> (mmaction name, shape) for the matching Recognizer3D."""
    import mmskd.models  # noqa: F401  (registers ResNet3dHara)
    from mmaction.registry import MODELS
    with torch.device('meta'):
        backbone = dict(type='ResNet3dHara', depth=depth)
        head = dict(type='I3DHead', num_classes=num_classes,
                    in_channels=512 if depth < 50 else 2048)
        model = MODELS.build(
            dict(type='Recognizer3D', backbone=backbone, cls_head=head))
    return {_hara_name(k): (k, tuple(v.shape))
            for k, v in model.state_dict().items()}


def _check_structure(sd: StateDict, expected: dict, depth: int) -> None:
    """Raise a specific error for a depth mismatch or a shortcut-A model."""
    have, want = _describe(sd), _describe(expected)
    if have != want:
        guess = (3 if have[0] == 'Bottleneck' else 2) * sum(have[1]) + 2
        raise HaraCheckpointError(
            f'depth mismatch: --depth {depth} expects {want[0]}s '
            f'{list(want[1])}, the source has {have[0]}s {list(have[1])} '
            f'(a depth-{guess} network)')
    if not any('downsample' in k for k in sd):
        raise HaraCheckpointError(
            'source uses shortcut type A (no downsample parameters, e.g. no '
            'layer2.0.downsample.0.weight): its shortcuts are parameter-free '
            'zero-padded identities, which ResNet3d cannot express (it uses '
            'type B: 1x1x1 conv + BN). Use a shortcut-B checkpoint instead.')


def _problems(sd: StateDict, expected: dict) -> list:
    """Missing, unexpected and wrong-shape keys, by Hara name."""
    wrong = [f'{k} {tuple(sd[k].shape)} != {expected[k][1]}'
             for k in sorted(set(sd) & set(expected))
             if tuple(sd[k].shape) != expected[k][1]]
    return [f'{what} keys: {names}' for what, names in (
        ('missing', sorted(set(expected) - set(sd))),
        ('unexpected', sorted(set(sd) - set(expected))),
        ('wrong-shape', wrong)) if names]


def convert_state_dict(sd: StateDict, depth: int,
                       num_classes: Optional[int] = None
                       ) -> Tuple[StateDict, bool]:
    """Rename Hara's state dict; returns (mmaction state dict, fc kept)."""
    fc = sd.get('fc.weight')
    if fc is None and num_classes is None:
        raise HaraCheckpointError('source has no fc.weight: pass --num-classes'
                                  ' N to write a backbone-only checkpoint')
    keep_fc = fc is not None and num_classes in (None, fc.shape[0])
    expected = target_names(depth, fc.shape[0] if keep_fc else 1)
    _check_structure(sd, expected, depth)
    sd, expected = ({k: v for k, v in d.items() if keep_fc or k[:3] != 'fc.'}
                    for d in (sd, expected))  # copies; no fc if backbone only
    for key in expected:  # absent from checkpoints of PyTorch < 0.4.1
        if key.endswith('num_batches_tracked') and key not in sd:
            sd[key] = torch.tensor(0, dtype=torch.long)
    problems = _problems(sd, expected)
    if problems:
        raise HaraCheckpointError(f'source does not match ResNet3dHara-{depth}'
                                  ' (Hara names): ' + '; '.join(problems))
    return {expected[k][0]: v for k, v in sd.items()}, keep_fc


def save_atomic(checkpoint: dict, dst: str) -> None:
    """``torch.save`` to ``DST.tmp`` in DST's folder, then rename it to DST."""
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    try:
        torch.save(checkpoint, dst + '.tmp')
        os.replace(dst + '.tmp', dst)
    finally:
        if os.path.exists(dst + '.tmp'):
            os.remove(dst + '.tmp')


def convert_hara_checkpoint(src: str, dst: str, depth: int,
                            num_classes: Optional[int] = None,
                            unsafe_load: bool = False) -> dict:
    """Convert Hara's checkpoint SRC into an mmengine checkpoint at DST.

    Args:
        src: Hara's ``.pth`` (``{'state_dict': ...}`` or a bare state dict).
        dst: Output path; written atomically via ``DST.tmp``.
        depth: 18 or 50 (any ``ResNet3d`` depth works).
        num_classes: Classes of the target head. None: SRC's fc size. If it
            differs from SRC's fc, the fc is dropped (backbone only).
        unsafe_load: Unpickle SRC with ``weights_only=False`` (trusted only).

    Returns:
        dict: The ``meta`` written next to the ``state_dict``.

    Raises:
        FileNotFoundError: SRC is missing.
        HaraCheckpointError: SRC cannot be converted; the message says why.
    """
    from mmskd.version import __version__
    raw = load_source(src, unsafe_load)
    sd = extract_state_dict(raw)
    state_dict, keep_fc = convert_state_dict(sd, depth, num_classes)
    n_src = int(sd['fc.weight'].shape[0]) if 'fc.weight' in sd else None
    meta = dict(source=os.path.basename(src), depth=depth,
                num_classes=num_classes or n_src, source_num_classes=n_src,
                backbone_only=not keep_fc, converter_version=CONVERTER_VERSION,
                converter=f'mmskd {__version__} {__name__}')
    extra = raw if isinstance(raw, dict) else {}
    meta.update({f'source_{k}': extra[k] for k in ('arch', 'epoch')
                 if isinstance(extra.get(k), (str, int))})
    save_atomic({'state_dict': state_dict, 'meta': meta}, dst)
    return meta
