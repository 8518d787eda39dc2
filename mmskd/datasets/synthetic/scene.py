"""Sample everything one video shows: size, length, background, objects,
camera shake and noise.

Two random streams keep the class out of the appearance: ``app_rng`` draws
all appearance and is consumed identically for every class, ``motion_rng``
draws the class motion. With the same ``app_rng`` seed, videos of different
classes have the same size, background, sprites, distractors, camera and
noise; only the main objects' poses differ.
"""
from dataclasses import dataclass
from typing import List

import numpy as np

from .motions import sample_motion
from .sprites import make_sprite, random_style
from .textures import make_background

# Main objects rest inside the centred square of side 2 * SAFE_HALF * short
# side where their motion allows: a random 56/64 or 112/128 crop after a
# short-side resize always keeps +-0.375 short side around the centre along
# the short side (less along the long side of a 4:3 frame, where an object at
# the end of its swing can be cut, as an actor can be in real footage).
SAFE_HALF = 0.38
# decord 0.6.0 (MMAction2's default reader) returns 4-channel frames for
# videos exactly 48 or 72 pixels wide (found by decoding every even width
# 32-1024); those widths are never drawn.
DECORD_BAD_WIDTHS = (48, 72)


@dataclass
class SceneObject:
    """A sprite and its pose in every frame (scene coordinates, pixels)."""
    sprite: np.ndarray      # (S, S, 4) float32, RGB 0-255 and alpha 0-1
    positions: np.ndarray   # (T, 2) centre x, y
    angles: np.ndarray      # (T,) radians
    scales: np.ndarray      # (T,)
    visible: np.ndarray     # (T,) bool
    main: bool = False      # performs the action (else a distractor)


@dataclass
class Scene:
    """One video before rendering; objects are listed back to front."""
    height: int
    width: int
    background: np.ndarray  # (H + 2 pad, W + 2 pad, 3) float32
    pad: int
    camera: np.ndarray      # (T, 2) camera offset in pixels
    objects: List[SceneObject]
    noise_sigma: float
    noise_seed: int

    @property
    def n_frames(self) -> int:
        return len(self.camera)


def _even(rng, low, high) -> int:
    """A uniformly drawn even integer in [low, high] (low, high even)."""
    return 2 * int(rng.integers(low // 2, high // 2 + 1))


def sample_geometry(rng, cfg):
    """(height, width, frames); the aspect ratio stays within 3:4 and 4:3."""
    height = _even(rng, *cfg.size)
    low = max(cfg.size[0], 2 * int(np.ceil(height * 3 / 8)))
    high = min(cfg.size[1], 2 * int(np.floor(height * 4 / 6)))
    widths = [w for w in range(low, high + 1, 2)
              if w not in DECORD_BAD_WIDTHS] or [low]
    width = widths[int(rng.integers(len(widths)))]
    return height, width, int(rng.integers(cfg.frames[0], cfg.frames[1] + 1))


def _camera(rng, n_frames, jitter):
    """Smooth random shake: an AR(1) walk with std ``jitter`` pixels."""
    keep = 0.85
    steps = rng.standard_normal((n_frames, 2)) * np.sqrt(1 - keep ** 2)
    camera = np.empty((n_frames, 2))
    camera[0] = rng.standard_normal(2)
    for t in range(1, n_frames):
        camera[t] = keep * camera[t - 1] + steps[t]
    return camera * jitter


def _distractor(rng, style, cfg, luma, shape, t):
    """A slowly drifting, slowly turning object anywhere in the frame.

    Half of them share the actor's style, so the main object cannot be told
    apart by looks; drift (<= 0.25 px/frame at short side 128) and turn
    (<= 1 degree/frame) are far below every class motion, and never periodic.
    """
    own = style if rng.random() < 0.5 else random_style(rng)
    unit = min(shape)
    radius = rng.uniform(*cfg.object_size) * unit * rng.uniform(0.6, 1.2)
    sprite = make_sprite(rng, own, radius, luma)
    start = rng.uniform([0, 0], [shape[1], shape[0]])
    heading, drift = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.25) * unit
    velocity = drift / 128 * np.array([np.cos(heading), np.sin(heading)])
    angles = rng.uniform(0, 2 * np.pi) + np.deg2rad(rng.uniform(-1, 1)) * t
    obj = SceneObject(sprite, start + velocity * t[:, None], angles,
                      np.ones(len(t)), np.ones(len(t), bool))
    return obj, bool(rng.random() < 0.3)


def _anchor(motion, radius, shape, draw):
    """Rest position of the main objects: as far off centre as the motion's
    reach allows while staying inside the safe square."""
    reach = np.abs(motion.offsets) + radius * motion.scales[..., None]
    slack = np.maximum(SAFE_HALF * min(shape) - reach.max(axis=(0, 1)), 0)
    centre = np.array([shape[1] - 1, shape[0] - 1]) / 2
    return centre + draw * slack


def sample_scene(cfg, class_name, style, app_rng, motion_rng) -> Scene:
    """Sample one video of ``class_name`` by the actor of ``style``."""
    height, width, n_frames = sample_geometry(app_rng, cfg)
    shape, unit, t = (height, width), min(height, width), np.arange(n_frames)
    pad = int(np.ceil(4 * cfg.jitter)) + 2
    background, luma = make_background(app_rng, height + 2 * pad,
                                       width + 2 * pad, unit,
                                       style.kind_weights)
    radius = app_rng.uniform(*cfg.object_size) * style.size * unit
    # Two main sprites are always drawn (only approach_separate shows the
    # second) so that the class never changes what app_rng yields next.
    sprites = [make_sprite(app_rng, style, radius, luma) for _ in range(2)]
    turns, draw = app_rng.uniform(0, 2 * np.pi, 2), app_rng.uniform(-1, 1, 2)
    extras = [_distractor(app_rng, style, cfg, luma, shape, t)
              for _ in range(app_rng.integers(cfg.distractors[0],
                                              cfg.distractors[1] + 1))]
    camera = _camera(app_rng, n_frames, cfg.jitter)
    sigma = cfg.noise * app_rng.uniform(0.5, 1.5)
    noise_seed = int(app_rng.integers(2**63))
    motion = sample_motion(class_name, motion_rng, n_frames, unit, radius,
                           motion_rng.uniform(*cfg.speed))
    anchor = _anchor(motion, radius, shape, draw)
    mains = [SceneObject(sprites[k], anchor + motion.offsets[k],
                         turns[k] + motion.angles[k], motion.scales[k],
                         motion.visible[k], main=True)
             for k in range(len(motion.offsets))]
    objects = ([obj for obj, above in extras if not above] + mains
               + [obj for obj, above in extras if above])
    return Scene(height, width, background, pad, camera, objects, sigma,
                 noise_seed)
