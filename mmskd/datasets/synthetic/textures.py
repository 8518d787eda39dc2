"""Backgrounds: a fresh random texture for every video.

A previous team found that with a few backgrounds per actor the network
memorises them and never learns motion, so every video draws its own texture
kind, colours, scale and orientation. Only the preference among kinds is an
actor trait.
"""
import colorsys

import cv2
import numpy as np

KINDS = ('gradient', 'stripes', 'checker', 'blobs', 'grain')
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def hsv_colour(hue, sat, val) -> np.ndarray:
    """RGB colour in [0, 255] from HSV components in [0, 1] (hue wraps)."""
    rgb = colorsys.hsv_to_rgb(hue % 1.0, float(np.clip(sat, 0, 1)),
                              float(np.clip(val, 0, 1)))
    return np.array(rgb, np.float32) * 255


def _projection(rng, xx, yy):
    """Coordinates along a random direction, in pixels."""
    angle = rng.uniform(0, np.pi)
    return xx * np.cos(angle) + yy * np.sin(angle)


def _smooth_noise(rng, shape, cells):
    """Value noise: a coarse random grid upsampled bicubically, in [0, 1]."""
    grid = rng.random((max(2, shape[0] // cells), max(2, shape[1] // cells)))
    big = cv2.resize(grid.astype(np.float32), (shape[1], shape[0]),
                     interpolation=cv2.INTER_CUBIC)
    return np.clip(big, 0.0, 1.0)


def _mix_map(kind, rng, shape, unit):
    """Per-pixel mixing weight in [0, 1] between the two colours."""
    yy, xx = np.mgrid[:shape[0], :shape[1]].astype(np.float32)
    if kind == 'gradient':
        proj = _projection(rng, xx, yy)
        return (proj - proj.min()) / max(float(np.ptp(proj)), 1.0)
    if kind == 'stripes':
        wave = np.sin(2 * np.pi * _projection(rng, xx, yy)
                      / (rng.uniform(0.06, 0.3) * unit) + rng.uniform(0, 6.3))
        return (wave > 0).astype(np.float32) if rng.random() < 0.5 \
            else 0.5 + 0.5 * wave
    if kind == 'checker':
        cell = rng.uniform(0.05, 0.25) * unit
        u = _projection(rng, xx, yy) // cell
        v = _projection(rng, xx, yy) // cell
        return ((u + v) % 2).astype(np.float32)
    cells = rng.uniform(0.12, 0.4) * unit if kind == 'blobs' \
        else rng.uniform(2.0, 5.0)
    return _smooth_noise(rng, shape, max(1, int(cells)))


def make_background(rng, height, width, unit, kind_weights):
    """A textured RGB background.

    Args:
        rng: ``numpy.random.Generator``.
        height, width: size in pixels.
        unit: short side of the video (texture scales are fractions of it).
        kind_weights: probabilities over :data:`KINDS`.

    Returns:
        (image float32 HxWx3 in [0, 255], its mean luma in [0, 1]).
    """
    kind = KINDS[rng.choice(len(KINDS), p=kind_weights)]
    base = rng.uniform(0.15, 0.85)
    hue = rng.random()
    # Two colours of similar brightness: the texture must not outshine the
    # objects, but its hues and patterns vary freely.
    colours = [hsv_colour(hue + rng.uniform(-0.3, 0.3) * i,
                          rng.uniform(0.0, 0.8), base + rng.uniform(-0.2, 0.2))
               for i in range(2)]
    mix = _mix_map(kind, rng, (height, width), unit)[..., None]
    image = colours[0] + (colours[1] - colours[0]) * mix
    # Uneven lighting: a soft brightness ramp in a random direction.
    yy, xx = np.mgrid[:height, :width].astype(np.float32)
    ramp = _projection(rng, xx, yy) / max(height, width) - 0.5
    image *= (1.0 + rng.uniform(0.0, 0.4) * ramp)[..., None]
    image = np.clip(image, 0, 255).astype(np.float32)
    return image, float(image.reshape(-1, 3).mean(0) @ LUMA) / 255
