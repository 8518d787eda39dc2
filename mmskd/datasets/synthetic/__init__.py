"""The embedded default dataset: synthetic action videos whose classes are
defined by motion only (see ``docs/synthetic_dataset.md``).

Plain functions, no registry entries::

    from mmskd.datasets.synthetic import SyntheticConfig, generate_dataset
    generate_dataset('data/synthetic', SyntheticConfig(seed=0), workers=2)

or ``python tools/data/synthetic/generate.py data/synthetic``.
"""
from .config import GENERATOR_VERSION, SyntheticConfig, validate
from .generate import generate_dataset, make_scene, render_video
from .motions import CLASSES, sample_motion
from .plan import SPLITS, VideoSpec, plan_videos, split_actors
from .render import render_frames
from .scene import sample_scene

__all__ = [
    'CLASSES', 'GENERATOR_VERSION', 'SPLITS', 'SyntheticConfig', 'VideoSpec',
    'generate_dataset', 'make_scene', 'plan_videos', 'render_frames',
    'render_video', 'sample_motion', 'sample_scene', 'split_actors',
    'validate'
]
