"""One UTD-MHAD depth sequence (official ``.mat``) to a grey video.

The official ``Depth.zip`` holds ``a{A}_s{S}_t{T}_depth.mat`` files, each
with one variable ``d_depth``: uint16 millimetres, shape (240, 320, frames),
background already 0. A 3D CNN wants an ordinary video, so each sequence
becomes a square grey H.264 mp4 that decord reads:

* grey level: near = bright. Per sequence, the 1st and 99th percentiles of
  the person's depth map linearly to 255 and ``FAR_GREY``, clipped, so the
  body spans the same grey range whatever the subject's distance to the
  camera; background stays 0 (black).
* crop: the square around the person's extent over the whole sequence
  (every frame's foreground after removing isolated specks), widened by
  ``margin`` of its side on each side, centred, padded with black where it
  leaves the frame; then resized to ``size`` x ``size`` (area filter). The
  person then fills the frame whatever their position and height, and a
  random crop of 7/8 of the side still keeps the whole body.
* codec: lossless H.264 (crf 0; a decoded grey level is within one of the
  written one, the YUV range conversion's rounding), a keyframe every 16
  frames for cheap random clip seeks, 30 fps (the Kinect's), every frame.
"""
import os.path as osp
import re
from typing import Dict, Tuple

import cv2
import numpy as np

from ..synthetic.encode import write_video
from .annotations import PreparationError

NAME = re.compile(r'^a(\d+)_s(\d+)_t(\d+)_depth\.mat$')
FPS, CRF, KEYINT = 30, 0, 16
FAR_GREY = 64  # the farthest body depth; black (0) is background only
PERCENTILES = (1.0, 99.0)  # near / far ends of the grey ramp


def parse_name(path: str) -> Tuple[int, int, int]:
    """``(action, subject, trial)`` of an official file name (1-based)."""
    match = NAME.match(osp.basename(path))
    if not match:
        raise PreparationError(f'{path}: not a UTD-MHAD depth file name '
                               '(a<action>_s<subject>_t<trial>_depth.mat)')
    return tuple(int(g) for g in match.groups())


def load_depth(path: str) -> np.ndarray:
    """The ``d_depth`` array of one file as ``[frames, H, W]`` uint16.

    Raises:
        PreparationError: unreadable, truncated or not the expected
            variable, type or shape; the message names the file.
    """
    from scipy.io import loadmat
    try:
        mat = loadmat(path, variable_names=['d_depth'])
    except Exception as err:  # scipy raises several types for bad files
        raise PreparationError(f'{path}: cannot read the .mat file '
                               f'({type(err).__name__}: {err})') from err
    depth = mat.get('d_depth')
    if depth is None:
        raise PreparationError(f'{path}: no variable d_depth in the file')
    if depth.ndim != 3 or depth.shape[2] < 1 or not np.issubdtype(
            depth.dtype, np.integer):
        raise PreparationError(
            f'{path}: d_depth must be an integer (H, W, frames) array, got '
            f'{depth.dtype} {depth.shape}')
    if not depth.any():
        raise PreparationError(f'{path}: every depth value is 0 (no person)')
    return np.ascontiguousarray(depth.transpose(2, 0, 1))  # [T, H, W]


def depth_to_grey(depth: np.ndarray) -> np.ndarray:
    """Near = bright grey, background (0) black; see the module docstring.

    Args:
        depth (np.ndarray): ``[T, H, W]`` depth, 0 = background.

    Returns:
        np.ndarray: ``[T, H, W]`` uint8.
    """
    person = depth > 0
    near, far = np.percentile(depth[person], PERCENTILES)
    span = max(float(far - near), 1.0)
    grey = 255.0 - (depth.astype(np.float32) - near) * (
        (255.0 - FAR_GREY) / span)  # near -> 255, far -> FAR_GREY
    grey = np.clip(grey, FAR_GREY, 255.0)
    return np.where(person, np.rint(grey), 0).astype(np.uint8)


def person_box(depth: np.ndarray, margin: float) -> Tuple[int, int, int]:
    """``(top, left, side)`` of the square crop around the person.

    Foreground of each frame is opened with a 3x3 kernel first, so that
    isolated sensor specks do not stretch the box.
    """
    kernel = np.ones((3, 3), np.uint8)
    union = np.zeros(depth.shape[1:], bool)
    for frame in depth:
        union |= cv2.morphologyEx((frame > 0).astype(np.uint8),
                                  cv2.MORPH_OPEN, kernel).astype(bool)
    if not union.any():  # only specks: fall back to every foreground pixel
        union = (depth > 0).any(axis=0)
    rows, cols = np.nonzero(union)
    top, bottom, left, right = rows.min(), rows.max(), cols.min(), cols.max()
    extent = max(bottom - top + 1, right - left + 1)
    side = int(round(extent * (1 + 2 * margin)))
    centre_y, centre_x = (top + bottom + 1) / 2, (left + right + 1) / 2
    return (int(round(centre_y - side / 2)), int(round(centre_x - side / 2)),
            side)


def crop_square(frames: np.ndarray, box: Tuple[int, int, int],
                size: int) -> np.ndarray:
    """``[T, size, size]`` crops of ``[T, H, W]`` frames; black outside."""
    top, left, side = box
    t, height, width = frames.shape
    canvas = np.zeros((t, side, side), frames.dtype)  # black padding
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + side, height), min(left + side, width)
    canvas[:, y0 - top:y1 - top, x0 - left:x1 - left] = frames[:, y0:y1,
                                                               x0:x1]
    return np.stack([
        cv2.resize(f, (size, size), interpolation=cv2.INTER_AREA)
        for f in canvas
    ])


def depth_to_frames(depth: np.ndarray, size: int,
                    margin: float) -> np.ndarray:
    """The frames written for a ``[T, H, W]`` depth sequence:
    ``[T, size, size]`` uint8 grey."""
    return crop_square(depth_to_grey(depth), person_box(depth, margin), size)


def convert_sequence(src: str, dst: str, size: int,
                     margin: float) -> Dict[str, int]:
    """Convert one ``.mat`` file to ``dst`` (mp4), written atomically.

    Returns:
        dict: ``frames`` written.

    Raises:
        PreparationError: a malformed file (nothing is written).
    """
    from mmskd.utils.io import atomic_output
    frames = depth_to_frames(load_depth(src), size, margin)
    rgb = (np.repeat(f[..., None], 3, axis=2) for f in frames)
    with atomic_output(dst) as tmp:
        count = write_video(tmp, rgb, size, size, FPS, CRF, KEYINT)
    return dict(frames=count)
