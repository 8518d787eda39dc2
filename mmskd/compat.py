"""Small, named fixes for the pinned stack (mmaction2 1.1.0, mmengine 0.10.7,
torch >= 2.6). Each one is applied once by ``import mmskd`` and tested in
``tests/test_compat.py``. See docs/stack.md.
"""
import numpy as np
import torch

MMCV_MIN, MMCV_MAX = (2, 0, 0), (2, 1, 0)


def _version_tuple(version: str) -> tuple:
    parts = []
    for piece in version.split('.')[:3]:
        digits = ''.join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_mmcv_version() -> str:
    """Fail early, with the fix, when mmcv is missing or outside [2.0, 2.1).

    mmaction2 1.1.0 asserts the same range, but only with a bare message deep
    in its import; we name the package to install instead.
    """
    try:
        import mmcv
    except ImportError as err:
        raise ImportError(
            'mmskd needs mmcv (any flavour) >=2.0.0rc4,<2.1.0; none is '
            'installed. Install the pure-Python one with: '
            'pip install "mmcv-lite>=2.0.0rc4,<2.1.0"') from err
    found = _version_tuple(mmcv.__version__)
    if not MMCV_MIN <= found < MMCV_MAX:
        raise ImportError(
            f'mmskd needs mmcv >=2.0.0rc4,<2.1.0 (mmaction2 1.1.0 asserts '
            f'it), found mmcv=={mmcv.__version__}. Install: '
            'pip install "mmcv-lite>=2.0.0rc4,<2.1.0"')
    return mmcv.__version__


def checkpoint_safe_globals() -> list:
    """The globals an mmengine 0.10.7 checkpoint pickles besides tensors.

    torch >= 2.6 loads with ``weights_only=True`` by default and refuses any
    other global. mmengine stores the message hub (``HistoryBuffer`` holding
    numpy arrays and scalars), so these must be allow-listed. This is an
    explicit list: arbitrary classes (and so arbitrary code) stay refused.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    multiarray = np._core.multiarray if hasattr(np, '_core') \
        else np.core.multiarray
    safe = [
        HistoryBuffer, np.ndarray, np.dtype, getattr,
        multiarray._reconstruct, multiarray.scalar
    ]
    # numpy >= 1.25 pickles dtypes as instances of np.dtypes.*DType classes.
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is not None:
        safe += [
            getattr(dtypes, name) for name in dir(dtypes) if
            name.endswith('DType') and isinstance(getattr(dtypes, name), type)
        ]
    return safe


def allow_mmengine_checkpoints() -> None:
    """Fix: let ``weights_only`` torch.load read mmengine checkpoints."""
    add = getattr(torch.serialization, 'add_safe_globals', None)
    if add is not None:  # torch < 2.4 has no allow-list and no such default
        add(checkpoint_safe_globals())


def allow_mmaction_scope_configs() -> None:
    """Fix: make ``_base_ = 'mmaction::...'`` resolve (after ``import mmskd``).

    mmengine 0.10.7 looks the name up by walking every metafile of mmaction2
    1.1.0, and one of them (``localization/bsn``) lists ``Config`` as a list:
    the walk dies with ``AttributeError: 'list' object has no attribute
    'partition'`` before mmengine can fall back to ``.mim/configs/<name>``.
    Turning that error into the ``ValueError`` mmengine already handles makes
    it take the fallback, which finds every stock config. mmskd's own configs
    do not depend on this (they inherit by relative path only), so plain
    ``Config.fromfile`` reads them without mmskd imported.
    """
    from mmengine.config import config as mm_config
    original = mm_config._get_external_cfg_path
    if getattr(original, '_mmskd_fixed', False):
        return

    def _get_external_cfg_path(package_path: str, cfg_file: str) -> str:
        try:
            return original(package_path, cfg_file)
        except AttributeError as err:
            raise ValueError(f'metafile walk failed: {err}') from err

    _get_external_cfg_path._mmskd_fixed = True
    mm_config._get_external_cfg_path = _get_external_cfg_path


def topk_accuracy(scores: torch.Tensor, labels: torch.Tensor,
                  topk=(1, 5)) -> dict:
    """``{'top{k}_acc': fraction}`` of hard ``labels`` [N] among the ``k``
    best ``scores`` [N, K], computed where the scores are (no host copy)."""
    k_max = min(max(topk), scores.size(1))
    best = scores.detach().topk(k_max, dim=1).indices  # [N, k_max]
    hits = best == labels.view(-1, 1)  # [N, k_max], at most one True a row
    return {f'top{k}_acc': hits[:, :k].any(dim=1).float().mean()
            for k in topk}


def sync_free_head_loss() -> None:
    """Fix: MMAction2's heads compute the logged top-k accuracy with
    ``cls_scores.detach().cpu().numpy()``. On a GPU that waits for the
    forward pass to finish in the middle of every training step (a host
    synchronisation per step), and numpy has no bfloat16, so bf16 AMP
    training raised at the first step. For hard labels the accuracy is now
    computed on the scores' device (the same numbers: the k best classes
    contain the label); bf16 scores are cast to float32 first, as autocast
    does for the cross-entropy anyway. Soft or smoothed labels keep
    MMAction2's own code.
    """
    from mmaction.models.heads.base import BaseHead
    original = BaseHead.loss_by_feat
    if getattr(original, '_mmskd_fixed', False):
        return

    def loss_by_feat(self, cls_scores, data_samples):
        if cls_scores.dtype == torch.bfloat16:
            cls_scores = cls_scores.float()
        labels = torch.stack([x.gt_labels.item for x in data_samples]).to(
            cls_scores.device, non_blocking=True).reshape(-1)
        if labels.is_floating_point() or self.label_smooth_eps != 0 or \
                labels.numel() != cls_scores.size(0):
            return original(self, cls_scores, data_samples)
        losses = topk_accuracy(cls_scores, labels, self.topk)
        loss_cls = self.loss_cls(cls_scores, labels)
        if isinstance(loss_cls, dict):
            losses.update(loss_cls)
        else:
            losses['loss_cls'] = loss_cls
        return losses

    loss_by_feat._mmskd_fixed = True
    BaseHead.loss_by_feat = loss_by_feat


# mmcv-lite has no compiled ops; mmcv says so on every import of its
# transformer bricks (which mmaction2 imports), so every command printed it.
MMCV_LITE_WARNING = dict(
    action='ignore', category=UserWarning,
    message=r'Fail to import ``MultiScaleDeformableAttention``',
    module=r'mmcv\.cnn\.bricks\.transformer')


def silence_mmcv_lite_warning() -> None:
    """Fix: hide exactly mmcv-lite's ``MultiScaleDeformableAttention``
    import warning (by message and module); every other warning shows."""
    import warnings
    warnings.filterwarnings(**MMCV_LITE_WARNING)


def apply_all() -> None:
    silence_mmcv_lite_warning()
    check_mmcv_version()
    allow_mmengine_checkpoints()
    allow_mmaction_scope_configs()
    sync_free_head_loss()
    from .engine.checkpoint import apply as atomic_checkpoints
    atomic_checkpoints()  # crash-safe writes, resume skips torn files
