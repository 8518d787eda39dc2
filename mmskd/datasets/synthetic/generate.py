"""Generate the whole dataset: render and encode every video (in a process
pool), write the lists and meta, and swap the folder into place atomically.
"""
import shutil
import tempfile
import time
from pathlib import Path
from typing import List, Optional

import cv2
from mmengine.logging import MMLogger

from mmskd.utils.pool import map_in_workers
from mmskd.utils.progress import silent_progress

from .config import SyntheticConfig
from .encode import write_video
from .layout import commit, mismatch, read_meta, write_dataset_files
from .plan import VideoSpec, plan_videos
from .render import render_frames
from .scene import sample_scene
from .sprites import sample_actor


def make_scene(cfg: SyntheticConfig, spec: VideoSpec):
    """The :class:`~.scene.Scene` of one planned video."""
    app_rng, motion_rng = spec.rngs(cfg.seed)
    style = sample_actor(cfg.seed, spec.actor)
    return sample_scene(cfg, spec.class_name, style, app_rng, motion_rng)


def render_video(cfg: SyntheticConfig, spec: VideoSpec, root: Path) -> dict:
    """Render and encode one video under ``root``; return its csv record."""
    scene = make_scene(cfg, spec)
    path = root / spec.relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = write_video(path, render_frames(scene), scene.width,
                         scene.height, cfg.fps, cfg.crf)
    return {'path': spec.relpath, 'label': spec.label,
            'class': spec.class_name, 'actor': spec.actor,
            'split': spec.split, 'frames': frames, 'width': scene.width,
            'height': scene.height}


def _render_task(task) -> dict:
    return render_video(*task)


def _init_worker() -> None:
    # One process per core already: cv2's own threads would only contend.
    cv2.setNumThreads(1)


def _render_all(cfg, specs, root, workers, progress) -> List[dict]:
    tasks = [(cfg, spec, root) for spec in specs]
    with progress(len(tasks)) as bar:
        return [_done(bar, r) for r in _render(tasks, workers)]


def _done(bar, record: dict) -> dict:
    bar.advance()
    return record


def _render(tasks, workers):
    # fork starts workers in milliseconds; a fork server would re-import
    # torch and mmaction in each (seconds). Safe here: the workers, not this
    # process, encode the videos, so it holds no FFmpeg threads to inherit
    # (mmskd.utils.pool). Output does not depend on the start method.
    return map_in_workers(_render_task, tasks, workers, fork_safe=True,
                          initializer=_init_worker)


def generate_dataset(out_dir, cfg: Optional[SyntheticConfig] = None,
                     workers: int = 2, force: bool = False,
                     progress=silent_progress) -> dict:
    """Generate the dataset of ``cfg`` into ``out_dir``.

    If ``out_dir`` already holds a complete dataset made with the same
    options and generator version, nothing is done (unless ``force``). Any
    other non-empty ``out_dir`` is only replaced with ``force``. Files are
    written to a sibling ``<out_dir>.tmp-*`` folder that is renamed to
    ``out_dir`` when complete and removed on any error, so ``out_dir`` never
    holds a partial dataset. ``progress(total)`` makes a context manager
    advanced after each video (e.g. :class:`mmskd.utils.progress.
    JobProgress`).

    Returns:
        ``{'status': 'exists' | 'generated', 'out_dir': str, 'meta': dict,
        'seconds': float}``.

    Raises:
        ValueError: ``workers`` is not an integer >= 1.
        FileExistsError: ``out_dir`` holds something else and not ``force``.
    """
    cfg = cfg or SyntheticConfig()
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f'workers must be an integer >= 1, got {workers!r}')
    out, start = Path(out_dir).absolute(), time.monotonic()
    reason = mismatch(out, cfg)
    if reason is None and not force:
        return {'status': 'exists', 'out_dir': str(out),
                'meta': read_meta(out), 'seconds': 0.0}
    _check_replaceable(out, force, reason)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f'{out.name}.tmp-', dir=out.parent))
    try:
        specs = plan_videos(cfg)
        meta = write_dataset_files(tmp, cfg,
                                   _render_all(cfg, specs, tmp, workers,
                                               progress))
        commit(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    seconds = time.monotonic() - start
    MMLogger.get_current_instance().info(
        f'synthetic dataset: {len(specs)} videos in {seconds:.1f}s -> {out}')
    return {'status': 'generated', 'out_dir': str(out), 'meta': meta,
            'seconds': seconds}


def _check_replaceable(out: Path, force: bool, reason: str) -> None:
    """Refuse to touch a file, or a non-empty folder without ``force``."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f'{out} exists and is not a folder')
    if out.is_dir() and any(out.iterdir()) and not force:
        raise FileExistsError(
            f'{out} is not empty and not the dataset asked for ({reason}); '
            'pass force=True (--force) to replace it')
