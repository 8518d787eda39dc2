"""Actors and the objects they draw.

An actor is a generator identity, like a UCF101 group: its style fixes the
distribution its objects' shapes, colours, fills and sizes come from, and its
preference among background kinds. Train, val and test use disjoint actors,
so test accuracy measures generalisation to unseen appearance. Every object
is an irregular, elongated polygon, so a rotation is always visible.
"""
from dataclasses import dataclass

import cv2
import numpy as np

from .textures import KINDS, LUMA, hsv_colour

FILLS = ('solid', 'stripes', 'split', 'radial')


@dataclass(frozen=True)
class ActorStyle:
    """Appearance distribution of one actor (all fields in [0, 1] unless
    stated)."""
    hue: float
    saturation: tuple
    vertices: int          # typical polygon vertex count, 3-8
    irregularity: float    # relative radius jitter of the vertices
    aspect: float          # elongation, 1.3-2.0
    fill: str              # one of FILLS
    outline: bool
    size: float            # multiplier of the object size, 0.85-1.15
    kind_weights: tuple    # preference over textures.KINDS


def sample_actor(seed: int, actor: int) -> ActorStyle:
    """The style of ``actor``: a pure function of (seed, actor)."""
    rng = np.random.default_rng([seed, 1, actor])
    return random_style(rng)


def random_style(rng) -> ActorStyle:
    """A style drawn from the global style distribution."""
    sat = rng.uniform(0.35, 0.9)
    return ActorStyle(
        hue=rng.random(), saturation=(sat, min(1.0, sat + 0.1)),
        vertices=int(rng.integers(3, 9)), irregularity=rng.uniform(0.1, 0.35),
        aspect=rng.uniform(1.3, 2.0), fill=FILLS[rng.integers(len(FILLS))],
        outline=bool(rng.random() < 0.5), size=rng.uniform(0.85, 1.15),
        kind_weights=tuple(
            float(w) for w in rng.dirichlet(np.full(len(KINDS), 2.0))))


def _polygon(rng, style, radius):
    """Vertices (n, 2) of an irregular polygon whose farthest vertex is at
    ``radius`` from the origin."""
    n = int(np.clip(style.vertices + rng.integers(-1, 2), 3, 9))
    angles = (np.arange(n) + rng.uniform(-0.35, 0.35, n)) * 2 * np.pi / n
    radii = 1.0 + rng.uniform(-style.irregularity, style.irregularity, n)
    points = np.stack([radii * np.cos(angles) * style.aspect,
                       radii * np.sin(angles)], axis=-1)
    return points * radius / np.abs(points).max(axis=0).max()


def _fill(rng, style, size, colours):
    """RGB fill of a size x size canvas, centred, in object coordinates."""
    yy, xx = (np.mgrid[:size, :size].astype(np.float32) - (size - 1) / 2)
    if style.fill == 'stripes':
        mix = np.sin(xx * 2 * np.pi / (size * rng.uniform(0.2, 0.35))) > 0
    elif style.fill == 'split':
        mix = xx > 0
    elif style.fill == 'radial':
        mix = np.clip(np.hypot(xx, yy) / (size / 2), 0, 1)
    else:
        mix = np.zeros_like(xx)
    mix = np.asarray(mix, np.float32)[..., None]
    return colours[0] + (colours[1] - colours[0]) * mix


def _colour_with_luma(hue, sat, luma):
    """RGB of the given hue and saturation, mixed with white or black to the
    exact ``luma`` (so blue and yellow objects contrast equally)."""
    colour = hsv_colour(hue, sat, 1.0)
    own = float(colour @ LUMA) / 255
    if own < luma:
        return colour + (255 - colour) * (luma - own) / (1 - own)
    return colour * luma / own


def make_sprite(rng, style, radius, background_luma):
    """An RGBA float32 sprite (RGB in [0, 255], alpha in [0, 1]).

    Its luma differs from the background's mean luma by >= 0.3 (the second
    tone of two-tone fills by >= 0.15) so that the object stays visible;
    hue and saturation come from the style.
    """
    darker = background_luma >= 0.5
    luma = rng.uniform(0.05, background_luma - 0.3) if darker \
        else rng.uniform(background_luma + 0.3, 1.0)
    hue = style.hue + rng.uniform(-0.06, 0.06)
    first = _colour_with_luma(hue, rng.uniform(*style.saturation), luma)
    second = _colour_with_luma(hue + rng.uniform(-0.1, 0.1),
                               rng.uniform(*style.saturation),
                               luma + (0.15 if darker else -0.15))
    size = 2 * int(np.ceil(radius)) + 5
    points = _polygon(rng, style, radius) + (size - 1) / 2
    rgb = _fill(rng, style, size, (first, second))
    fixed = np.round(points * 16).astype(np.int32)  # 4 bits sub-pixel
    mask = np.zeros((size, size), np.uint8)
    cv2.fillPoly(mask, [fixed], 255, cv2.LINE_AA, shift=4)
    if style.outline:
        cv2.polylines(rgb, [fixed], True, (first * 0.3).tolist(), 1,
                      cv2.LINE_AA, shift=4)
    return np.dstack([rgb, mask.astype(np.float32) / 255]).astype(np.float32)
