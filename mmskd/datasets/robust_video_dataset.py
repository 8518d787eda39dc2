"""A ``VideoDataset`` that checks its inputs up front and survives videos
that fail to decode during a run. Policy: docs/data_preparation.md."""
import copy
import random
from typing import Any, List

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.logging import MMLogger
from .preparation.validate import SHOW, load_video_list


@DATASETS.register_module()
class RobustVideoDataset(VideoDataset):
    """``VideoDataset`` with input checks and a decode-failure policy.

    At construction: a missing or empty annotation file, a missing
    ``data_prefix['video']`` folder, a malformed line, a label outside
    ``[0, num_classes)`` (when ``num_classes`` is given) and, with
    ``check_exists``, any listed video not on disk raise an error that names
    the file, line or value (missing files: the first few and the count).

    Training (``test_mode=False``): when the pipeline raises on a video, its
    path is logged once, remembered (it is not decoded again in this process)
    and a random other sample of the split is returned instead, up to
    ``max_retries`` times. The sample's metainfo carries ``decode_failures``
    (paths that failed for this slot) and ``substituted_from``;
    ``DecodeFailureHook`` sums them over the epoch in the main process (the
    counts here live in each DataLoader worker) and aborts past its rate.
    This process also aborts once more than ``max_failure_rate`` of the list
    is known broken.

    Testing (``test_mode=True``): nothing is substituted. A failed video
    yields a copy of the first decodable sample with ``decode_failed=True``
    and ``failed_filename`` in its metainfo; ``RobustAccMetric`` leaves such
    samples out and warns with their names and count.

    Args:
        check_exists (bool): Check every listed path with ``os.path.exists``
            at construction. Defaults to True.
        max_retries (int): Substitutes tried for one sample. Defaults to 10.
        max_failure_rate (float): Fraction of the list that may fail to
            decode before training aborts. Defaults to 0.05.
        **kwargs: Everything ``VideoDataset`` accepts.
    """

    def __init__(self, *args, check_exists: bool = True, max_retries: int = 10,
                 max_failure_rate: float = 0.05, **kwargs) -> None:
        self.check_exists = check_exists
        self.max_retries = max_retries
        self.max_failure_rate = max_failure_rate
        self.failures = {}  # index -> reason, for this process only
        self._placeholder = None
        super().__init__(*args, **kwargs)
        self._check_class_names()

    def _check_class_names(self) -> None:
        """``metainfo=dict(classes=FILE)`` names the classes (one a line;
        MMEngine reads the file), and checkpoints then carry the names. A
        file that is not there, or that does not have ``num_classes`` names
        (a config's default file left behind when the data was moved), only
        costs the names: warn and drop them; training goes on."""
        names = self._metainfo.get('classes')
        if isinstance(names, str):
            problem = f'class names file not found: {names}'
        elif names is not None and self.num_classes is not None and \
                len(names) != self.num_classes:
            problem = (f'metainfo.classes has {len(names)} names, '
                       f'num_classes is {self.num_classes}')
        else:
            return
        MMLogger.get_current_instance().warning(
            f'{problem} ({self.ann_file}); checkpoints will carry no class '
            'names (set metainfo.classes to the class names file)')
        del self._metainfo['classes']

    def load_data_list(self) -> List[dict]:
        """Parse the annotation file, failing early on any bad input."""
        return load_video_list(
            self.ann_file, self.data_prefix.get('video') or '',
            self.delimiter, self.num_classes, self.multi_class,
            self.check_exists)

    def __getitem__(self, idx: int) -> Any:
        if not self._fully_initialized:
            self.full_init()
        if self.test_mode:
            data = self._try(idx)
            if data is None:
                return self._mark(copy.deepcopy(self._first_good(idx)),
                                  decode_failed=True,
                                  failed_filename=self._name(idx))
            return self._mark(data, decode_failed=False, failed_filename='')
        failed, current = [], idx
        for _ in range(self.max_retries + 1):
            data = self._try(current)
            if data is not None:
                return self._mark(
                    data, decode_failures=failed,
                    substituted_from=self._name(idx) if failed else '')
            failed.append(self._name(current))
            self._check_rate()
            current = self._substitute()
        raise RuntimeError(
            f'{len(failed)} videos in a row failed to load for sample {idx} '
            f'of {self.ann_file} (max_retries={self.max_retries}): '
            f'{failed[:SHOW]}')

    def _try(self, idx: int) -> Any:
        """The pipeline's output, or None (failure recorded and logged)."""
        if idx in self.failures:
            return None  # known broken in this process: don't decode again
        try:
            data = self.prepare_data(idx)
            reason = 'the pipeline returned None'
        except Exception as err:  # any pipeline error: the video is unusable
            data, reason = None, f'{type(err).__name__}: {err}'
        if data is None:
            self.failures[idx] = reason
            MMLogger.get_current_instance().warning(
                f'cannot load {self._name(idx)} ({reason}); '
                + ('marked failed' if self.test_mode else 'substituting'))
        return data

    def _substitute(self) -> int:
        """A random index not known to be broken."""
        for _ in range(100):  # cheap while few are broken (the usual case)
            idx = random.randrange(len(self))
            if idx not in self.failures:
                return idx
        left = [i for i in range(len(self)) if i not in self.failures]
        if not left:
            raise RuntimeError(f'no loadable video left in {self.ann_file}')
        return random.choice(left)

    def _check_rate(self) -> None:
        rate = len(self.failures) / len(self)
        if rate > self.max_failure_rate:
            first = sorted(self.failures)
            names = [self._name(i) for i in first[:SHOW]]
            # The first reason tells a broken file from a broken pipeline.
            raise RuntimeError(
                f'{len(first)} of {len(self)} videos ({rate:.1%}) in '
                f'{self.ann_file} failed to load, above max_failure_rate='
                f'{self.max_failure_rate}: {names} (first error: '
                f'{self.failures[first[0]]}). Clean the list with '
                'tools/data/check_videos.py.')

    def _first_good(self, idx: int) -> Any:
        """Placeholder for failed test samples (same shape as the others)."""
        for step in range(1, len(self) + 1):
            if self._placeholder is not None:
                break
            self._placeholder = self._try((idx + step) % len(self))
        if self._placeholder is None:
            raise RuntimeError(f'no video in {self.ann_file} can be loaded')
        return self._placeholder

    def _name(self, idx: int) -> str:
        return self.get_data_info(idx)['filename']

    @staticmethod
    def _mark(data: Any, **meta) -> Any:
        """Put ``meta`` into the sample's metainfo (packed) or the dict."""
        sample = data.get('data_samples') if isinstance(data, dict) else None
        if hasattr(sample, 'set_metainfo'):
            sample.set_metainfo(meta)
        else:
            data.update(meta)
        return data
