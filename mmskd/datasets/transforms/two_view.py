"""Two independent views of one video, decoded once (docs/method.md,
section 3)."""
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.datasets.transforms import DecordDecode, SampleFrames
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform, Compose

from .decoded_frames import DecodedFrames


@TRANSFORMS.register_module()
class TwoViewSample(BaseTransform):
    """Run ``view_pipeline`` once per view and stack the views as clips.

    Use it right after ``DecordInit``. Each view runs on its own shallow copy
    of ``results``, so it draws its own temporal start, crop and augmentation.
    Unlike ``SampleFrames(num_clips=2)`` (one crop and flip for all clips),
    the views share nothing but the opened video.

    The pipeline is split after its ``SampleFrames``: the sampling step runs
    for every view first; then, if the next step is ``DecordDecode`` (mode
    'accurate') and ``decode_once`` is set, the union of all views' frame
    indices is decoded in ONE ``get_batch`` call and each view's
    ``DecordDecode`` reads its frames from that batch.

    Required Keys:

        - total_frames, start_index, video_reader (and what the view
          pipeline requires)

    Modified Keys:

        - imgs: the views concatenated on axis 0, e.g. [num_views, C, T, H, W]
          with a view pipeline ending in ``FormatShape('NCTHW')``
        - num_clips (summed over views), frame_inds (concatenated),
          video_reader (None), input_shape; other keys come from view 0

    Added Keys:

        - view_frame_inds, view_crop_bboxes, view_aug_params (per-view lists)

    Args:
        view_pipeline (Sequence[dict | callable]): Transforms of one view,
            starting with ``SampleFrames`` (e.g. SampleFrames, DecordDecode,
            Resize, RandomCrop, SKDClipAugment, FormatShape).
        num_views (int): Number of views. Defaults to 2.
        non_overlapping (bool): If True and the video has at least
            ``num_views * clip_len * frame_interval`` frames, draw ordered,
            non-overlapping clips (shorter videos fall back to independent
            starts). Needs ``SampleFrames(num_clips=1)``; temporal jitter is
            then ignored. Defaults to False (independent starts).
        decode_once (bool): Decode all views' frames in one call. Defaults to
            True.
    """

    def __init__(self,
                 view_pipeline: Sequence[Union[dict, Callable]],
                 num_views: int = 2,
                 non_overlapping: bool = False,
                 decode_once: bool = True) -> None:
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, but got {num_views}')
        transforms = [
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in view_pipeline
        ]
        samplers = [t for t in transforms if isinstance(t, SampleFrames)]
        split = transforms.index(samplers[0]) + 1 if samplers else 0
        self.sampler = samplers[0] if samplers else None
        if non_overlapping and (not samplers or self.sampler.num_clips != 1):
            raise ValueError('non_overlapping=True needs a SampleFrames with '
                             f'num_clips=1 in view_pipeline, got {transforms}')
        head, tail = transforms[:split], transforms[split:]
        self.head, self.tail = Compose(head), Compose(tail)
        self.num_views = num_views
        self.non_overlapping = non_overlapping
        # decode-once serves DecordDecode('accurate') from one get_batch call
        self.decode_once = (
            decode_once and bool(tail) and isinstance(tail[0], DecordDecode)
            and tail[0].mode == 'accurate')

    def _non_overlapping_inds(self, results: Dict) -> Optional[List]:
        """Disjoint, ordered clips' frame indices; None for short videos."""
        clip_len, interval = self.sampler.clip_len, self.sampler.frame_interval
        span = clip_len * interval
        slack = results['total_frames'] - self.num_views * span
        if slack < 0:
            return None
        starts = np.sort(np.random.randint(slack + 1, size=self.num_views))
        starts = starts + np.arange(self.num_views) * span  # [num_views]
        steps = np.arange(clip_len) * interval + results['start_index']
        return [(start + steps).astype(np.int32) for start in starts]

    def transform(self, results: Dict) -> Optional[Dict]:
        """Build ``num_views`` views of ``results`` and merge them."""
        views = [self.head(dict(results)) for _ in range(self.num_views)]
        if any(view is None for view in views):
            return None
        inds = self._non_overlapping_inds(results) if (
            self.non_overlapping) else None
        if inds is not None:
            for view, view_inds in zip(views, inds):
                view['frame_inds'] = view_inds
        if self.decode_once:
            frames = DecodedFrames(results['video_reader'],
                                   [view['frame_inds'] for view in views])
            for view in views:
                view['video_reader'] = frames
        views = [self.tail(view) for view in views]
        if any(view is None for view in views):
            return None
        return self._merge(views)

    @staticmethod
    def _merge(views: List[Dict]) -> Dict:
        """Concatenate the views' clips; keep per-view metadata in lists."""
        merged = dict(views[0])
        imgs = [view['imgs'] for view in views]
        if isinstance(imgs[0], np.ndarray):
            merged['imgs'] = np.concatenate(imgs)  # [num_views * N, ...]
            if 'input_shape' in merged:
                merged['input_shape'] = merged['imgs'].shape
        else:  # frame lists: a later FormatShape reshapes by num_clips
            merged['imgs'] = [frame for frames in imgs for frame in frames]
        merged['num_clips'] = sum(view['num_clips'] for view in views)
        merged['frame_inds'] = np.concatenate(
            [view['frame_inds'] for view in views])
        merged['view_frame_inds'] = [view['frame_inds'] for view in views]
        merged['view_crop_bboxes'] = [view.get('crop_bbox') for view in views]
        merged['view_aug_params'] = [view.get('aug_params') for view in views]
        merged.pop('crop_bbox', None)
        merged.pop('aug_params', None)
        merged['video_reader'] = None  # release the container
        return merged

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'non_overlapping={self.non_overlapping}, '
                f'decode_once={self.decode_once}, '
                f'view_pipeline={self.head.transforms + self.tail.transforms}'
                ')')
