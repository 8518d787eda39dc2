"""Epoch-level accounting of the videos ``RobustVideoDataset`` substituted."""
from typing import Any, List, Optional

from mmaction.registry import HOOKS
from mmengine.dist import all_gather_object
from mmengine.hooks import Hook

_SHOW = 20  # names listed in the log; the count is always complete


@HOOKS.register_module()
class DecodeFailureHook(Hook):
    """Count training decode failures per epoch and abort past a rate.

    ``RobustVideoDataset`` runs inside DataLoader workers, so its own
    counters are per process. Each sample it returns carries the paths that
    failed for it (``decode_failures`` in its metainfo); this hook reads them
    from every batch in the main process, sums them over all ranks at the
    end of the epoch, logs the count and the names, and raises if failures
    per sample exceed ``max_failure_rate``.

    Args:
        max_failure_rate (float): Failed loads per training sample allowed
            in one epoch. Defaults to 0.05.
    """

    priority = 'NORMAL'  # before CheckpointHook: an aborted epoch isn't saved

    def __init__(self, max_failure_rate: float = 0.05) -> None:
        self.max_failure_rate = max_failure_rate
        self._seen = 0
        self._failed: List[str] = []

    def before_train_epoch(self, runner) -> None:
        self._seen, self._failed = 0, []

    def after_train_iter(self, runner, batch_idx: int,
                         data_batch: Optional[Any] = None,
                         outputs: Optional[dict] = None) -> None:
        if not isinstance(data_batch, dict):
            return
        samples = data_batch.get('data_samples') or []
        self._seen += len(samples)
        for sample in samples:
            metainfo = getattr(sample, 'metainfo', {})
            self._failed.extend(metainfo.get('decode_failures') or [])

    def after_train_epoch(self, runner) -> None:
        parts = all_gather_object((self._seen, self._failed))
        seen = sum(p[0] for p in parts)
        failed = [name for p in parts for name in p[1]]
        if not failed:
            return
        names = sorted(set(failed))
        rate = len(failed) / max(seen, 1)
        message = (f'epoch {runner.epoch + 1}: {len(failed)} failed video '
                   f'loads for {seen} samples ({rate:.1%}), substituted; '
                   f'{len(names)} distinct files: {names[:_SHOW]}'
                   + (' ...' if len(names) > _SHOW else ''))
        runner.logger.warning(message)
        if rate > self.max_failure_rate:
            raise RuntimeError(
                f'{message}. This is above max_failure_rate='
                f'{self.max_failure_rate}; clean the annotation file with '
                'tools/data/check_videos.py.')
