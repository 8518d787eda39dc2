"""The action classes: each one is a way the main object(s) move over time.

A class is defined by motion only, never by colour, shape, size or position,
so no single frame reveals it. Every class maps onto itself under a horizontal
flip (directions are random per video, axes are flip-symmetric), and every
class repeats with a period of at most 16 frames so that any 8-frame window
of a clip shows it. ``docs/synthetic_dataset.md`` explains each class.

Sizes are fractions of ``unit``, the short side of the video in pixels, so a
motion keeps its size after the training pipeline resizes the short side.
"""
from dataclasses import dataclass

import numpy as np

CLASSES = ('swing_horizontal', 'swing_vertical', 'swing_diagonal', 'spin',
           'pulse', 'orbit', 'approach_separate', 'blink', 'shake', 'static')


@dataclass
class Motion:
    """Poses of the K main objects over T frames.

    Attributes:
        offsets: (K, T, 2) pixel offsets (x right, y down) from the anchor.
        angles: (K, T) rotation (radians) added to each object's orientation.
        scales: (K, T) size multipliers.
        visible: (K, T) whether each object is drawn.
    """
    offsets: np.ndarray
    angles: np.ndarray
    scales: np.ndarray
    visible: np.ndarray


def _motion(offsets, angles=None, scales=None, visible=None) -> Motion:
    """Fill the unset pose parts with the rest pose."""
    shape = offsets.shape[:2]
    return Motion(
        offsets=offsets.astype(np.float64),
        angles=np.zeros(shape) if angles is None else angles.reshape(shape),
        scales=np.ones(shape) if scales is None else scales.reshape(shape),
        visible=(np.ones(shape, bool) if visible is None
                 else visible.reshape(shape)))


def _period(rng, speed, low=8.0, high=14.0, clip=(6.0, 16.0)) -> float:
    """Period in frames; clipped so an 8-16 frame window holds most of one."""
    return float(np.clip(rng.uniform(low, high) / speed, *clip))


def _wave(rng, t, period):
    """Random-phase periodic signal in [-1, 1]: sine, or triangle (bounce)."""
    phase = 2 * np.pi * t / period + rng.uniform(0, 2 * np.pi)
    if rng.random() < 0.5:
        return np.sin(phase)
    return 2 / np.pi * np.arcsin(np.sin(phase))


def _along(values, angle):
    """(1, T, 2) offsets: ``values`` along the direction ``angle``."""
    return (values[:, None] * [np.cos(angle), np.sin(angle)])[None]


def _swing(axes_deg):
    """Back-and-forth along an axis drawn from ``axes_deg`` (+-15 degrees).

    Each axis set is closed under the flip angle -> 180 - angle.
    """
    def motion(rng, t, unit, radius, speed):
        axis = np.deg2rad(rng.choice(axes_deg) + rng.uniform(-15, 15))
        amp = rng.uniform(0.08, 0.14) * unit
        return _motion(_along(amp * _wave(rng, t, _period(rng, speed)), axis))
    return motion


def _spin(rng, t, unit, radius, speed):
    """Rotation in place at 10-40 degrees per frame, direction random."""
    rate = np.clip(rng.uniform(14, 28) * speed, 10, 40)
    sign = rng.choice([-1.0, 1.0])
    angles = sign * np.deg2rad(rate) * t
    return _motion(np.zeros((1, len(t), 2)), angles=angles)


def _pulse(rng, t, unit, radius, speed):
    """Periodic growing and shrinking in place (x0.67-1.5 at the extremes)."""
    depth = rng.uniform(0.22, 0.4)
    scales = np.exp(depth * _wave(rng, t, _period(rng, speed)))
    return _motion(np.zeros((1, len(t), 2)), scales=scales)


def _orbit(rng, t, unit, radius, speed):
    """Circular (slightly elliptic) path around the anchor, random way."""
    ring = rng.uniform(0.07, 0.12) * unit
    squash, tilt = rng.uniform(0.75, 1.0), rng.uniform(0, np.pi)
    sign = rng.choice([-1.0, 1.0])
    theta = sign * 2 * np.pi * t / _period(rng, speed) + rng.uniform(0, 6.3)
    x, y = ring * np.cos(theta), squash * ring * np.sin(theta)
    offsets = np.stack([x * np.cos(tilt) - y * np.sin(tilt),
                        x * np.sin(tilt) + y * np.cos(tilt)], axis=-1)
    return _motion(offsets[None])


def _approach(rng, t, unit, radius, speed):
    """Two objects move towards and away from each other along a random axis.

    At closest they nearly touch (centres 1.5 radii apart), so the gap, not
    the objects' positions, carries the class.
    """
    axis = rng.uniform(0, np.pi)
    travel = rng.uniform(0.12, 0.2) * unit
    gap = 1.5 * radius + travel * (_wave(rng, t, _period(rng, speed)) + 1) / 2
    half = _along(gap / 2, axis)[0]
    return _motion(np.stack([half, -half]))


def _blink(rng, t, unit, radius, speed):
    """Disappear and reappear in place; period <= 12 and duty <= 0.6, so an
    8-frame window always holds a switch."""
    period = _period(rng, speed, low=6.0, high=11.0, clip=(5.0, 12.0))
    duty = rng.uniform(0.4, 0.6)
    visible = (t / period + rng.uniform(0, 1)) % 1.0 < duty
    return _motion(np.zeros((1, len(t), 2)), visible=visible)


def _shake(rng, t, unit, radius, speed):
    """Independent random jumps each frame inside a small disc (trembling).

    The camera also jitters, but smoothly and moving the whole scene; here
    the object moves relative to the scene, every frame.
    """
    reach = rng.uniform(0.04, 0.07) * unit
    angle = rng.uniform(0, 2 * np.pi, len(t))
    dist = reach * np.sqrt(rng.uniform(0.15, 1.0, len(t)))
    offsets = np.stack([dist * np.cos(angle), dist * np.sin(angle)], -1)
    return _motion(offsets[None])


def _static(rng, t, unit, radius, speed):
    """Nothing moves relative to the scene: the 'no action' class."""
    return _motion(np.zeros((1, len(t), 2)))


MOTIONS = {
    'swing_horizontal': _swing([0.0]),
    'swing_vertical': _swing([90.0]),
    'swing_diagonal': _swing([45.0, 135.0]),
    'spin': _spin,
    'pulse': _pulse,
    'orbit': _orbit,
    'approach_separate': _approach,
    'blink': _blink,
    'shake': _shake,
    'static': _static,
}
assert tuple(MOTIONS) == CLASSES


def sample_motion(name, rng, n_frames, unit, radius, speed) -> Motion:
    """Poses of one video of class ``name``.

    Args:
        name: a class in :data:`CLASSES`.
        rng: ``numpy.random.Generator`` used for the motion only.
        n_frames: number of frames T.
        unit: short side of the video in pixels.
        radius: main object radius in pixels.
        speed: tempo multiplier (>1 is faster); periods stay in 5-16 frames.
    """
    t = np.arange(n_frames, dtype=np.float64)
    return MOTIONS[name](rng, t, unit, radius, speed)
