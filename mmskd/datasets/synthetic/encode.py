"""Write frames to an H.264 mp4 with PyAV's libx264, reproducibly.

With the options of :func:`encoder_options`, every byte the encoder may
read set (:func:`_yuv_frame`) and the ``bitexact`` muxer flag keeping
version strings and times out of the container, the same frames give the
same bytes on the same stack, whatever was encoded before in the process.
"""
from typing import Iterable, Optional

import av
import cv2
import numpy as np

CODEC = 'libx264'
PIX_FMT = 'yuv420p'


def encoder_options(crf: int, keyint: Optional[int] = None) -> dict:
    """x264 options that make the bytes a pure function of the frames.

    ``threads=1``: threaded x264 is not deterministic. ``mbtree=0``: with
    the macroblock tree on, about 1 video in 100 came out different when
    the same frames were encoded again later in the same process (not
    reproducible in isolation, so it depends on leftover memory); with it
    off, 1140 re-encodings were all identical. ``bframes=0`` keeps decoded
    frame counts exact for every reader. ``keyint`` (frames between
    keyframes; None keeps x264's default) makes random clip seeks cheap.
    ``crf=0`` is lossless.
    """
    params = 'bframes=0:mbtree=0'
    if keyint is not None:
        params += f':keyint={keyint}:min-keyint={keyint}'
    return {'crf': str(crf), 'preset': 'veryfast', 'threads': '1',
            'x264-params': params}


def _yuv_frame(rgb: np.ndarray) -> av.VideoFrame:
    """A yuv420p frame whose every buffer byte, row padding included, is set.

    The encoder reads past the row ends for some widths (e.g. 38, 40, 60,
    92): with PyAV's uninitialised padding, bytes and even decoded pixels
    varied run to run. Padding repeats the last pixel of each row, so what
    is read there is also harmless. OpenCV converts as decoders expect
    (BT.601, limited range).
    """
    height, width = rgb.shape[:2]
    yuv = cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420).reshape(-1)
    luma, chroma = height * width, height * width // 4
    planes = (yuv[:luma].reshape(height, width),
              yuv[luma:luma + chroma].reshape(height // 2, width // 2),
              yuv[luma + chroma:].reshape(height // 2, width // 2))
    frame = av.VideoFrame(width, height, PIX_FMT)
    for plane, data in zip(frame.planes, planes):
        extra = plane.line_size - data.shape[1]
        plane.update(np.ascontiguousarray(
            np.pad(data, ((0, 0), (0, extra)), mode='edge')))
    return frame


def write_video(path, frames: Iterable[np.ndarray], width: int, height: int,
                fps: int, crf: int, keyint: Optional[int] = None) -> int:
    """Encode RGB uint8 ``frames`` (HxWx3, even H and W) to ``path``.

    Returns:
        The number of frames written.
    """
    count = 0
    with av.open(str(path), 'w', format='mp4',
                 options={'fflags': '+bitexact'}) as container:
        stream = container.add_stream(CODEC, rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, PIX_FMT
        stream.codec_context.thread_count = 1
        stream.options = encoder_options(crf, keyint)
        for frame in frames:
            container.mux(stream.encode(_yuv_frame(frame)))
            count += 1
        container.mux(stream.encode())  # flush the encoder
    return count
