"""A stand-in video reader that serves frames decoded once (for two views)."""
import numpy as np


class _FrameBatch:
    """Mimics the decord NDArray that ``VideoReader.get_batch`` returns."""

    def __init__(self, frames: np.ndarray) -> None:
        self._frames = frames

    def asnumpy(self) -> np.ndarray:
        return self._frames


class DecodedFrames:
    """Frames of one video decoded in a single ``get_batch`` call.

    It answers ``get_batch(frame_inds).asnumpy()`` like a decord
    ``VideoReader``, so MMAction2's ``DecordDecode`` (mode 'accurate') runs
    unchanged on it: each view then takes its frames from one shared decode.

    Args:
        reader: The opened video reader (``results['video_reader']``).
        frame_inds (list[np.ndarray]): Every frame index any view will ask
            for; their union is decoded once, in increasing order.
    """

    def __init__(self, reader, frame_inds) -> None:
        inds = np.concatenate([np.ravel(i) for i in frame_inds])
        self.inds = np.unique(inds)  # sorted, each index once
        self.frames = reader.get_batch(self.inds).asnumpy()  # [K, H, W, 3]
        self._num_frames = len(reader)

    def __len__(self) -> int:
        return self._num_frames

    def get_batch(self, frame_inds) -> _FrameBatch:
        """Frames at ``frame_inds`` (a copy, so views never share memory)."""
        frame_inds = np.ravel(frame_inds)
        pos = np.minimum(
            np.searchsorted(self.inds, frame_inds),
            len(self.inds) - 1)
        if not np.array_equal(self.inds[pos], frame_inds):
            raise KeyError(f'frames {frame_inds} were not all decoded')
        return _FrameBatch(self.frames[pos])  # [len(frame_inds), H, W, 3]
