"""A few tiny, reproducible mp4 files, so end-to-end tests never skip."""
from pathlib import Path
from typing import Dict, List

import av
import numpy as np

SIZE, FRAMES, FPS = 40, 12, 10
# Class k moves a bright square along direction DIRECTIONS[k].
DIRECTIONS = ((1, 0), (0, 1), (-1, 0), (0, -1))


def _frames(label: int, rng: np.random.Generator) -> np.ndarray:
    """[T, H, W, 3] uint8: noise background, a square moving by class."""
    frames = rng.integers(0, 60, (FRAMES, SIZE, SIZE, 3), dtype=np.uint8)
    dx, dy = DIRECTIONS[label]
    x0, y0 = rng.integers(8, SIZE - 16, 2)
    color = rng.integers(150, 256, 3, dtype=np.uint8)
    for t in range(FRAMES):
        x, y = x0 + dx * t, y0 + dy * t
        frames[t, y:y + 8, x:x + 8] = color
    return frames


def write_mp4(path: Path, frames: np.ndarray) -> None:
    """Encode RGB frames with MPEG-4 part 2 (single-threaded, no B-frames:
    every frame decodes, and decord reads it)."""
    with av.open(str(path), 'w') as container:
        stream = container.add_stream('mpeg4', rate=FPS)
        stream.width = stream.height = SIZE
        stream.pix_fmt = 'yuv420p'
        stream.codec_context.thread_count = 1
        for frame in frames:
            image = av.VideoFrame.from_ndarray(frame, format='rgb24')
            container.mux(stream.encode(image))
        container.mux(stream.encode())


def make_video_set(root: Path, splits: Dict[str, int], num_classes: int = 2,
                   seed: int = 0) -> Dict[str, List[str]]:
    """Write ``splits[name]`` videos per split (labels cycle over classes)
    and ``<name>.txt`` annotation files in ``root``.

    Returns:
        The annotation lines of each split.
    """
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    lines: Dict[str, List[str]] = {}
    for split, count in splits.items():
        lines[split] = []
        for i in range(count):
            label = i % num_classes
            name = f'{split}_{i:02d}.mp4'
            write_mp4(root / name, _frames(label, rng))
            lines[split].append(f'{name} {label}')
        (root / f'{split}.txt').write_text('\n'.join(lines[split]) + '\n')
    return lines
