"""Accuracy that leaves out videos ``RobustVideoDataset`` could not decode."""
from typing import Any, Dict, List, Sequence

from mmaction.evaluation import AccMetric
from mmaction.registry import METRICS
from mmengine.logging import MMLogger

_SHOW = 20  # names listed in the warning; the count is always complete


@METRICS.register_module()
class RobustAccMetric(AccMetric):
    """``AccMetric`` over the decodable samples only.

    ``RobustVideoDataset`` (``test_mode=True``) returns a placeholder with
    ``decode_failed=True`` and ``failed_filename`` in its metainfo for a
    video it cannot load. Such samples are excluded here; a warning names
    them and gives their count, and the count is reported as the
    ``decode_failed`` metric. Failed entries stay in ``self.results`` so that
    they are gathered across ranks like the others.

    Args:
        **kwargs: Everything ``AccMetric`` accepts.
    """

    def process(self, data_batch: Any, data_samples: Sequence[dict]) -> None:
        """Record failed samples by name; pass the others to ``AccMetric``."""
        good = []
        for sample in data_samples:
            if sample.get('decode_failed', False):
                self.results.append(
                    dict(decode_failed=sample.get('failed_filename', '?')))
            else:
                good.append(sample)
        super().process(data_batch, good)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Accuracy of the decodable samples, plus their failure count."""
        failed = [r['decode_failed'] for r in results if 'decode_failed' in r]
        kept = [r for r in results if 'decode_failed' not in r]
        if failed:
            MMLogger.get_current_instance().warning(
                f'{len(failed)} of {len(results)} evaluation videos could '
                f'not be decoded and are excluded from the metrics: '
                f'{failed[:_SHOW]}' + (' ...' if len(failed) > _SHOW else ''))
        if not kept:
            raise RuntimeError(
                f'none of the {len(results)} evaluation videos could be '
                f'decoded: {failed[:_SHOW]}')
        metrics = super().compute_metrics(kept)
        metrics['decode_failed'] = len(failed)
        return metrics
