"""Which videos exist: their class, actor, split and random seeds.

Every random draw of a video comes from generators seeded by
``(seed, stream, index)``, so a video is a pure function of the options and
its index: the worker that renders it and the order do not matter.
"""
from dataclasses import dataclass
from typing import Dict, List, Tuple

import numpy as np

SPLITS = ('train', 'val', 'test')
# Namespaces of the seed sequences, so that actor, split and video draws
# never share a stream.
_ACTOR, _VIDEO, _SPLIT = 1, 2, 3


@dataclass(frozen=True)
class VideoSpec:
    """One video to generate."""
    index: int
    label: int
    class_name: str
    actor: int
    split: str

    @property
    def relpath(self) -> str:
        """Path relative to the dataset root, e.g.
        ``videos/spin/spin_a07_v00123.mp4`` (actor 7, video 123)."""
        name = f'{self.class_name}_a{self.actor:03d}_v{self.index:05d}.mp4'
        return f'videos/{self.class_name}/{name}'

    def rngs(self, seed: int):
        """(appearance generator, motion generator) of this video."""
        return (np.random.default_rng([seed, _VIDEO, self.index, 0]),
                np.random.default_rng([seed, _VIDEO, self.index, 1]))


def split_actors(seed: int, n_actors: int,
                 held_out: Tuple[float, float] = (0.15, 0.15)
                 ) -> Dict[str, List[int]]:
    """Deal actors to train/val/test: ``held_out`` are the val and test
    fractions (default ~70/15/15); each split gets >= 1 actor."""
    order = np.random.default_rng([seed, _SPLIT]).permutation(n_actors)
    n_val, n_test = (max(1, int(round(f * n_actors))) for f in held_out)
    n_train = n_actors - n_val - n_test
    if n_train < 1:
        raise ValueError(f'held_out={tuple(held_out)} leaves no training '
                         f'actor of {n_actors}')
    cuts = [order[:n_train], order[n_train:n_train + n_val],
            order[n_train + n_val:]]
    return {split: sorted(int(a) for a in part)
            for split, part in zip(SPLITS, cuts)}


def plan_videos(cfg) -> List[VideoSpec]:
    """All videos, class by class.

    Video j of class c is played by actor ``(j + c * videos_per_class) %
    actors``: every actor plays every class equally often when
    ``videos_per_class`` is a multiple of ``actors``, so neither a split nor
    an actor's looks correlate with the class.
    """
    splits = split_actors(cfg.seed, cfg.actors, cfg.held_out)
    split_of = {actor: split for split, actors in splits.items()
                for actor in actors}
    specs = []
    for label, name in enumerate(cfg.classes):
        for j in range(cfg.videos_per_class):
            actor = (j + label * cfg.videos_per_class) % cfg.actors
            specs.append(VideoSpec(len(specs), label, name, actor,
                                   split_of[actor]))
    return specs
