"""torchcodec as a drop-in video reader for the decord-based pipelines.

``TorchCodecInit`` replaces ``DecordInit``: it opens the video with
torchcodec's ``VideoDecoder`` and hands the pipeline a reader with decord's
``len()`` / ``get_batch(indices).asnumpy()`` / ``get_avg_fps()``, so
MMAction2's ``DecordDecode`` and ``TwoViewSample``'s decode-once path run
unchanged. Switch a config's pipelines with
``--cfg-options train_dataloader.dataset.pipeline.0.type=TorchCodecInit``
(and the same for val and test). Measured (docs/performance.md, "Decoding"):
1.3x decord's clips per second on H.264 mp4 with identical frames; on
UCF101's xvid AVIs some clips came back with other frames than decord's and
the last frames of a video could not be decoded, so re-encode such videos to
mp4 first (tools/data/resize_videos.py).

torchcodec is optional: its PyPI wheel needs FFmpeg's shared libraries and
a matching torch build (docs/stack.md).
"""
from typing import Dict, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


class _Batch:
    """What decord's ``get_batch`` returns: ``asnumpy()`` gives the frames."""

    def __init__(self, frames: np.ndarray) -> None:
        self._frames = frames

    def asnumpy(self) -> np.ndarray:
        return self._frames


class TorchCodecReader:
    """decord's ``VideoReader`` interface over a torchcodec decoder.

    Args:
        decoder: A ``torchcodec.decoders.VideoDecoder`` (or anything with
            its ``metadata`` and ``get_frames_at``).
    """

    def __init__(self, decoder) -> None:
        self.decoder = decoder

    def __len__(self) -> int:
        return int(self.decoder.metadata.num_frames)

    def get_avg_fps(self) -> float:
        return float(self.decoder.metadata.average_fps)

    def get_batch(self, indices: Sequence[int]) -> _Batch:
        batch = self.decoder.get_frames_at([int(i) for i in indices])
        frames = batch.data.permute(0, 2, 3, 1)  # [N, C, H, W] -> [N, H, W, C]
        return _Batch(np.ascontiguousarray(frames.numpy()))


@TRANSFORMS.register_module()
class TorchCodecInit(BaseTransform):
    """Open the video with torchcodec; a ``DecordInit`` replacement.

    Required Keys: filename. Added Keys: video_reader, total_frames,
    avg_fps.

    Args:
        num_threads (int): FFmpeg threads per video. Defaults to 1 (a
            loader worker is one core's worth of work).
        seek_mode (str): torchcodec's ``'exact'`` (scans the file once for
            an exact frame index) or ``'approximate'``. Defaults to
            ``'exact'``: frame k is frame k, as with decord.
    """

    def __init__(self, num_threads: int = 1, seek_mode: str = 'exact') -> None:
        self.num_threads, self.seek_mode = num_threads, seek_mode

    def transform(self, results: Dict) -> Dict:
        from torchcodec.decoders import VideoDecoder
        reader = TorchCodecReader(VideoDecoder(
            results['filename'], device='cpu',
            num_ffmpeg_threads=self.num_threads, seek_mode=self.seek_mode))
        results.update(video_reader=reader, total_frames=len(reader),
                       avg_fps=reader.get_avg_fps())
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_threads={self.num_threads}, '
                f'seek_mode={self.seek_mode!r})')
