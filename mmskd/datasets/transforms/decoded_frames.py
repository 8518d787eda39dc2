"""A stand-in video reader that serves frames decoded once (for two views)."""
import numpy as np
from torch.utils.dlpack import from_dlpack


class _FrameBatch:
    """Mimics the decord NDArray that ``VideoReader.get_batch`` returns."""

    def __init__(self, frames: np.ndarray) -> None:
        self._frames = frames

    def asnumpy(self) -> np.ndarray:
        return self._frames


def batch_to_numpy(batch) -> np.ndarray:
    """A decord NDArray as numpy, without a copy where DLPack allows.

    ``asnumpy()`` copies the whole batch into a fresh array; DLPack (what
    ``decord.bridge`` uses for torch) hands over decord's own buffer. The
    numpy array keeps that buffer alive.
    """
    if hasattr(batch, 'to_dlpack'):
        return from_dlpack(batch.to_dlpack()).numpy()
    return batch.asnumpy()


class DecodedFrames:
    """Frames of one video decoded in a single ``get_batch`` call.

    It answers ``get_batch(frame_inds).asnumpy()`` like a decord
    ``VideoReader``, so MMAction2's ``DecordDecode`` (mode 'accurate') runs
    unchanged on it: each view then takes its frames from one shared decode.
    Decord reads the sorted union in one pass: each group of pictures is
    decoded once, and only the requested frames are converted to RGB.

    A view gets a view into the decoded batch (no copy) when its frames are
    consecutive in the union and no other view asked for any of them;
    otherwise a copy. So two views never share a frame's memory, and an
    in-place transform on one view cannot change the other.

    Args:
        reader: The opened video reader (``results['video_reader']``).
        frame_inds (list[np.ndarray]): Every view's frame indices; their
            union is decoded once, in increasing order.
    """

    def __init__(self, reader, frame_inds) -> None:
        views = [np.unique(np.ravel(i)) for i in frame_inds]
        self.inds, users = np.unique(np.concatenate(views),
                                     return_counts=True)  # sorted, once each
        self._shared = users > 1  # [K]: asked for by more than one view
        self.frames = batch_to_numpy(reader.get_batch(self.inds))
        self._num_frames = len(reader)  # [K, H, W, 3] above

    def __len__(self) -> int:
        return self._num_frames

    def get_batch(self, frame_inds) -> _FrameBatch:
        """Frames at ``frame_inds``: a view when private and consecutive."""
        frame_inds = np.ravel(frame_inds)
        pos = np.minimum(
            np.searchsorted(self.inds, frame_inds),
            len(self.inds) - 1)
        if not np.array_equal(self.inds[pos], frame_inds):
            raise KeyError(f'frames {frame_inds} were not all decoded')
        first = int(pos[0]) if len(pos) else 0
        run = np.array_equal(pos, np.arange(first, first + len(pos)))
        if run and not self._shared[pos].any():
            return _FrameBatch(self.frames[first:first + len(pos)])
        return _FrameBatch(self.frames[pos])  # [len(frame_inds), H, W, 3]
