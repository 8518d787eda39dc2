"""Options of the synthetic dataset generator, validated with clear errors.

:class:`SyntheticConfig` holds everything that changes the generated files;
the number of workers and the output folder do not, so they are not in it.
``meta.json`` stores ``to_dict()`` so a later run can tell whether an existing
dataset already matches.
"""
import dataclasses
from dataclasses import dataclass
from typing import Tuple

from .motions import CLASSES

# Bump whenever the same options would give different files, so that a run
# over an older dataset regenerates it instead of reporting it complete.
GENERATOR_VERSION = '1.2'


@dataclass(frozen=True)
class SyntheticConfig:
    """Generator options. Ranges are (min, max), both inclusive.

    Attributes:
        seed: global seed; same seed and options give the same bytes.
        videos_per_class: videos of each class, over all splits.
        actors: appearance identities, split ~70/15/15 into train/val/test.
        held_out: fractions of the actors dealt to val and to test (the
            rest train); the default gives ~70/15/15.
        classes: class names (subset of ``motions.CLASSES``), in label order.
        frames: frame count range of a video.
        size: height and width range in pixels (even numbers).
        fps: frame rate written in the files.
        crf: x264 constant rate factor (0 lossless ... 51 worst).
        noise: mean std of the per-pixel noise, in 0-255 levels.
        distractors: range of the number of distractor objects per video.
        object_size: main object radius range, as a fraction of the short side.
        speed: range of the tempo multiplier of the motions.
        jitter: std of the smooth camera shake, in pixels.
    """
    seed: int = 0
    videos_per_class: int = 40
    actors: int = 20
    held_out: Tuple[float, float] = (0.15, 0.15)
    classes: Tuple[str, ...] = CLASSES
    frames: Tuple[int, int] = (40, 90)
    size: Tuple[int, int] = (96, 160)
    fps: int = 25
    crf: int = 23
    # Defaults sized for `make demo` (a from-scratch R3D-18, ~10 CPU minutes;
    # docs/synthetic_dataset.md, "Why the defaults are this easy"): with
    # radius 0.08-0.14 the moving object covers 2-6 % of the frame, and with
    # distractors R3D-18 stayed at chance there. Shrink the objects and add
    # noise, shake and distractors for a harder set.
    noise: float = 0.5
    distractors: Tuple[int, int] = (0, 0)
    object_size: Tuple[float, float] = (0.18, 0.2)
    speed: Tuple[float, float] = (0.8, 1.25)
    jitter: float = 0.2

    def __post_init__(self):
        for name in ('classes', 'frames', 'size', 'distractors',
                     'object_size', 'speed', 'held_out'):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        validate(self)

    def to_dict(self) -> dict:
        """JSON-ready options (tuples become lists)."""
        return {key: list(val) if isinstance(val, tuple) else val
                for key, val in dataclasses.asdict(self).items()}


def _check(ok, name, value, rule):
    if not ok:
        raise ValueError(f'{name} must be {rule}, got {value!r}')


def _check_range(cfg, name, low, high, kind):
    value = getattr(cfg, name)
    _check(len(value) == 2 and all(isinstance(v, kind) for v in value)
           and low <= value[0] <= value[1] <= high, name, value,
           f'(min, max) with {low} <= min <= max <= {high}')


def validate(cfg: SyntheticConfig) -> None:
    """Raise ``ValueError`` naming the first bad option and its value."""
    _check(isinstance(cfg.seed, int) and 0 <= cfg.seed < 2**63, 'seed',
           cfg.seed, 'an integer in [0, 2**63)')
    _check(isinstance(cfg.videos_per_class, int) and cfg.videos_per_class >= 1,
           'videos_per_class', cfg.videos_per_class, 'an integer >= 1')
    _check(isinstance(cfg.actors, int) and cfg.actors >= 3, 'actors',
           cfg.actors, 'an integer >= 3 (train, val and test need one each)')
    unknown = [name for name in cfg.classes if name not in CLASSES]
    _check(not unknown, 'classes', unknown, f'names among {list(CLASSES)}')
    _check(len(set(cfg.classes)) == len(cfg.classes) >= 2, 'classes',
           cfg.classes, 'at least 2 distinct names')
    _check_range(cfg, 'frames', 8, 100000, int)
    _check_range(cfg, 'size', 32, 4096, int)
    _check(all(v % 2 == 0 for v in cfg.size), 'size', cfg.size,
           'even numbers (H.264 yuv420p needs even width and height)')
    _check(isinstance(cfg.fps, int) and 1 <= cfg.fps <= 240, 'fps', cfg.fps,
           'an integer in [1, 240]')
    _check(isinstance(cfg.crf, int) and 0 <= cfg.crf <= 51, 'crf', cfg.crf,
           'an integer in [0, 51]')
    _check(0 <= cfg.noise <= 100, 'noise', cfg.noise, 'in [0, 100]')
    _check_range(cfg, 'distractors', 0, 20, int)
    _check(len(cfg.held_out) == 2 and all(
        isinstance(v, float) and 0 < v < 1 for v in cfg.held_out)
        and sum(cfg.held_out) < 1, 'held_out', cfg.held_out,
        'two fractions in (0, 1) summing to under 1 (some actors must train)')
    _check_range(cfg, 'object_size', 0.02, 0.2, (int, float))
    _check_range(cfg, 'speed', 0.25, 4.0, (int, float))
    _check(0 <= cfg.jitter <= 10, 'jitter', cfg.jitter, 'in [0, 10]')
