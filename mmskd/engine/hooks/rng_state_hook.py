"""Save and restore the global RNG states with each checkpoint.

mmengine 0.10.7 only re-seeds on resume (``Runner.resume`` calls
``set_randomness`` with the checkpoint's seed, and only when it differs), so
a resumed run draws different augmentations, dropout masks and DataLoader
base seeds than the uninterrupted run. This hook stores the states of
``random``, ``numpy.random``, ``torch`` (and CUDA) per rank in the
checkpoint and puts them back just before the resumed training loop.
"""
import random
from typing import List, Optional

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_gather_object, get_dist_info
from mmengine.hooks import Hook

KEY = 'rng_states'  # top-level checkpoint key (plain lists and tensors)


def capture_rng_state() -> dict:
    """The global RNG states, in types a ``weights_only`` load accepts."""
    name, key, pos, has_gauss, gauss = np.random.get_state(legacy=True)
    state = dict(
        python=random.getstate(),
        numpy=(name, key.tolist(), int(pos), int(has_gauss), float(gauss)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def restore_rng_state(state: dict) -> None:
    """Inverse of :func:`capture_rng_state`."""
    version, internal, gauss = state['python']
    random.setstate((version, tuple(internal), gauss))
    name, key, pos, has_gauss, cached = state['numpy']
    np.random.set_state(
        (name, np.asarray(key, dtype=np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state['torch'])
    cuda = state.get('cuda')
    if cuda is not None and len(cuda) == torch.cuda.device_count():
        torch.cuda.set_rng_state_all(cuda)


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Make a resumed run draw the same random numbers as an uninterrupted one.

    Saves one state per rank. ``before_save_checkpoint`` runs on rank 0
    only, so with several ranks the states are gathered collectively at the
    end of each train and val epoch (where epoch-based checkpoints are
    written). A checkpoint written elsewhere in a distributed run stores
    rank 0's state only; resuming it with several ranks then keeps
    mmengine's re-seeding (with a warning). States are restored only when
    resuming, never for ``load_from``.
    """

    priority = 'LOW'  # gathers before CheckpointHook (VERY_LOW) saves

    def __init__(self) -> None:
        self._gathered: Optional[tuple] = None  # (iter, [state per rank])
        self._pending: Optional[dict] = None

    def _gather(self, runner) -> None:
        if get_dist_info()[1] > 1:
            self._gathered = (runner.iter, all_gather_object(
                capture_rng_state()))

    def after_train_epoch(self, runner) -> None:
        self._gather(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        self._gather(runner)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        states: List[dict] = [capture_rng_state()]
        if get_dist_info()[1] > 1:
            if self._gathered is not None and self._gathered[0] == runner.iter:
                states = self._gathered[1]
            else:
                runner.logger.warning(
                    'RandomStateHook: RNG states of ranks > 0 were not '
                    'gathered for this checkpoint; they will be re-seeded '
                    'on resume')
        checkpoint[KEY] = states

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        states = checkpoint.get(KEY)
        if not getattr(runner, '_resume', False) or not states:
            return
        rank, world_size = get_dist_info()
        if len(states) != world_size:
            runner.logger.warning(
                f'RandomStateHook: checkpoint holds RNG states for '
                f'{len(states)} rank(s), this run has {world_size}: keeping '
                'the re-seeded states')
            return
        self._pending = states[rank]

    def before_train(self, runner) -> None:
        # Restored here, after model init and dataloader construction (which
        # draw random numbers in the resumed run only), just before the
        # first resumed epoch.
        if self._pending is not None:
            restore_rng_state(self._pending)
            self._pending = None
            runner.logger.info('RandomStateHook: restored the random, numpy '
                               'and torch RNG states from the checkpoint')
            loader = runner.train_loop.dataloader
            if loader.num_workers > 0 and loader.persistent_workers:
                # Persistent workers carry their RNG across epochs; fresh
                # ones after a resume restart from the worker seed.
                runner.logger.warning(
                    'RandomStateHook: persistent_workers=True, so the '
                    'DataLoader workers\' augmentations after this resume '
                    'differ from an uninterrupted run (set it False for an '
                    'exact resume)')
