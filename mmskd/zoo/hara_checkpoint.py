"""Convert Hara et al.'s 3D-ResNet checkpoints for ``ResNet3dHara``.

Hara's names become those of ``Recognizer3D`` + ``ResNet3dHara`` + ``I3DHead``,
read (with their shapes) off that model built on the meta device.
"""
import os
import pickle
import re
from typing import Dict, Optional

import torch

from mmskd.utils.io import atomic_output

CONVERTER_VERSION = 1
StateDict = Dict[str, torch.Tensor]
_BLOCKS = ('BasicBlock (depth 18/34)', 'Bottleneck (depth 50+)')
_SHORTCUT_A = (
    'source uses shortcut type A (no downsample parameters, e.g. no '
    'layer2.0.downsample.0.weight): its shortcuts are parameter-free '
    'zero-padded identities, which ResNet3d cannot express (it uses type B: '
    '1x1x1 conv + BN). Use a shortcut-B checkpoint instead.')


class HaraCheckpointError(ValueError):
    """A source checkpoint that cannot be converted (the message says why)."""


def read_hara(src: str, unsafe_load: bool = False) -> StateDict:
    """Load SRC on the CPU; its state dict without ``module.`` prefixes."""
    if not os.path.isfile(src):
        raise FileNotFoundError(f'source checkpoint not found: {src}')
    try:
        raw = torch.load(src, map_location='cpu', weights_only=not unsafe_load)
    except pickle.UnpicklingError as err:
        raise HaraCheckpointError(
            f'{src} cannot be loaded with torch.load(weights_only=True): it '
            'holds non-tensor Python objects (or is no torch file). Unpickling'
            ' them can run arbitrary code; only if you trust the file, rerun '
            f'with --unsafe-load. Details: {err}') from None
    raw = raw if isinstance(raw, dict) else {}
    sd = raw.get('state_dict', raw)
    if not (isinstance(sd, dict) and sd and all(
            isinstance(k, str) and torch.is_tensor(v) for k, v in sd.items())):
        raise HaraCheckpointError(
            f"{src} has no 'state_dict' key and is not a plain state dict "
            f'(top-level keys: {sorted(map(str, raw))[:10]})')
    return {re.sub(r'^module\.', '', k): v for k, v in sd.items()}


def _hara_name(name: str) -> str:
    """Hara's name for a ``Recognizer3D`` state-dict name."""
    name = re.sub(r'^backbone\.', '', name).replace('cls_head.fc_cls.', 'fc.')
    name = re.sub(r'conv(\d)\.conv\.', r'conv\1.', name)  # conv1.conv.
    name = re.sub(r'conv(\d)\.bn\.', r'bn\1.', name)  # conv1.bn. -> bn1.
    name = name.replace('downsample.conv.', 'downsample.0.')
    return name.replace('downsample.bn.', 'downsample.1.')


def target_names(depth: int, num_classes: int) -> Dict[str, tuple]:
    """Hara name -> (mmaction name, shape) for the matching Recognizer3D."""
    import mmskd.models  # noqa: F401  (registers ResNet3dHara)
    from mmaction.registry import MODELS
    from mmengine.registry import DefaultScope
    channels = 512 if depth < 50 else 2048  # BasicBlock / Bottleneck x4
    head = dict(type='I3DHead', num_classes=num_classes, in_channels=channels)
    backbone = dict(type='ResNet3dHara', depth=depth)
    cfg = dict(type='Recognizer3D', backbone=backbone, cls_head=head)
    scope = DefaultScope.overwrite_default_scope('mmaction')
    with torch.device('meta'), scope:
        state = MODELS.build(cfg).state_dict()
    return {_hara_name(k): (k, tuple(v.shape)) for k, v in state.items()}


def _check(sd: StateDict, expected: dict, depth: int) -> None:
    """Raise for another depth, shortcut A, or missing/extra/misshapen keys."""
    bottleneck = any('.conv3.' in k for k in sd)
    if bottleneck != any('.conv3.' in k for k in expected):
        raise HaraCheckpointError(
            f'depth mismatch: --depth {depth} needs {_BLOCKS[depth >= 50]} '
            f'blocks, the source has {_BLOCKS[bottleneck]} blocks')
    if not any(k.endswith('downsample.0.weight') for k in sd):
        raise HaraCheckpointError(_SHORTCUT_A)
    missing = sorted(
        k for k in set(expected) - set(sd)
        if not k.endswith('num_batches_tracked'))
    unexpected = sorted(set(sd) - set(expected))
    wrong = [
        f'{k} {tuple(v.shape)} != {expected[k][1]}'
        for k, v in sorted(sd.items())
        if k in expected and tuple(v.shape) != expected[k][1]
    ]
    if missing or unexpected or wrong:
        raise HaraCheckpointError(
            f'source does not match ResNet3dHara-{depth} (Hara names): '
            f'missing keys: {missing}; unexpected keys: {unexpected}; '
            f'wrong-shape keys: {wrong}')


def convert_state_dict(sd: StateDict,
                       depth: int,
                       num_classes: Optional[int] = None) -> StateDict:
    """Hara's state dict renamed for ResNet3dHara (see the main function)."""
    fc = sd.get('fc.weight')
    if fc is None and num_classes is None:
        raise HaraCheckpointError('source has no fc.weight: pass --num-classes'
                                  ' N to write a backbone-only checkpoint')
    keep_fc = fc is not None and num_classes in (None, fc.shape[0])
    expected = target_names(depth, fc.shape[0] if keep_fc else 1)
    if not keep_fc:  # backbone only
        sd = {k: v for k, v in sd.items() if not k.startswith('fc.')}
        expected = {k: v for k, v in expected.items() if k[:3] != 'fc.'}
    _check(sd, expected, depth)
    zero = torch.tensor(0, dtype=torch.long)  # PyTorch < 0.4.1 saved none
    return {
        n: sd[k] if k in sd else zero.clone()
        for k, (n, _) in expected.items()
    }


def convert_hara_checkpoint(src: str,
                            dst: str,
                            depth: int,
                            num_classes: Optional[int] = None,
                            unsafe_load: bool = False) -> dict:
    """Convert Hara's checkpoint SRC into an mmengine checkpoint at DST.

    Args:
        src: Hara's ``.pth`` (``{'state_dict': ...}`` or a bare state dict).
        dst: Output path; written atomically via ``DST.tmp``.
        depth: Depth of ``ResNet3dHara`` (18 or 50; any ResNet3d depth).
        num_classes: Classes of the target head; None: SRC's fc size. If it
            differs from SRC's fc, the fc is dropped (backbone only).
        unsafe_load: Unpickle SRC with ``weights_only=False`` (trusted only).

    Returns:
        dict: The ``meta`` saved next to the ``state_dict``.

    Raises:
        FileNotFoundError: SRC is missing.
        HaraCheckpointError: SRC cannot be converted (the message says why).
    """
    from mmskd.version import __version__
    sd = read_hara(src, unsafe_load)
    state_dict = convert_state_dict(sd, depth, num_classes)
    n_src = int(sd['fc.weight'].shape[0]) if 'fc.weight' in sd else None
    meta = dict(
        source=os.path.basename(src),
        depth=depth,
        num_classes=num_classes or n_src,
        source_num_classes=n_src,
        backbone_only=not any(k.startswith('cls_head') for k in state_dict),
        converter=f'mmskd {__version__} {__name__}',
        converter_version=CONVERTER_VERSION)
    with atomic_output(dst) as tmp:
        torch.save({'state_dict': state_dict, 'meta': meta}, tmp)
    return meta
