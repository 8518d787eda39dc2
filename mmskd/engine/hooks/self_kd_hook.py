"""Self-KD's teacher update ("Teaching yourself", paper ref. [30])."""
import math
from typing import Dict, Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

CKPT_KEY = 'self_kd'  # checkpoint entry: best score + teacher weights


def _student(runner):
    """The runner's model, unwrapped; it must be a Self-KD recognizer."""
    model = runner.model.module if is_model_wrapper(runner.model) \
        else runner.model
    if not hasattr(model, 'update_teacher'):
        raise TypeError('SelfKDHook needs a SelfKDRecognizer3D model, got '
                        f'{type(model).__name__}')
    return model


@HOOKS.register_module()
class SelfKDHook(Hook):
    """Copy the student into its teacher whenever validation improves.

    After each validation, if ``metrics[monitor]`` beats the best score so
    far (strictly), the teacher of ``SelfKDRecognizer3D`` gets the student's
    current weights, so that the next epochs distil from the best-so-far
    model. The best score and the teacher's weights are saved under
    ``checkpoint['self_kd']`` (never in the student's ``state_dict``) and
    restored on resume.

    Note:
        The teacher changes only when validation improves, and this hook
        runs before the checkpoint hook, so any checkpoint written after a
        validation holds the teacher that validation chose. MMEngine's
        ``CheckpointHook`` writes ``epoch_N.pth`` before validating epoch N
        but writes it again after a new best ``save_best`` score: with
        ``save_best`` on the same metric (the default runtime), or with
        ``ResumableCheckpointHook``, resuming restores the teacher exactly.

    Args:
        monitor (str): Validation metric to maximise. Defaults to
            ``'acc/top1'`` (ref. [30] keeps the best top-1 model).
    """

    # Before CheckpointHook (VERY_LOW), which saves best_*.pth in
    # after_val_epoch: that checkpoint then holds the new teacher.
    priority = 'NORMAL'

    def __init__(self, monitor: str = 'acc/top1') -> None:
        self.monitor = monitor
        self.best_score = -math.inf

    def before_train(self, runner) -> None:
        _student(runner)  # fail now, not after the first epoch
        if runner.val_loop is None:
            raise ValueError('SelfKDHook needs validation (val_dataloader, '
                             'val_cfg, val_evaluator): the teacher is the '
                             'best model on it')

    def after_val_epoch(self,
                        runner,
                        metrics: Optional[Dict[str, float]] = None) -> None:
        if not metrics or self.monitor not in metrics:
            raise KeyError(f'SelfKDHook monitors {self.monitor!r}, but '
                           f'validation gave {sorted(metrics or {})}')
        score = float(metrics[self.monitor])
        if score <= self.best_score:
            return
        runner.logger.info(f'Self-KD: {self.monitor} {score:.4f} beats '
                           f'{self.best_score:.4f}; teacher <- student')
        self.best_score = score
        _student(runner).update_teacher()

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[CKPT_KEY] = dict(
            monitor=self.monitor,
            best_score=self.best_score,
            teacher=_student(runner).teacher_state())

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get(CKPT_KEY)
        if state is None:  # e.g. a baseline checkpoint used as load_from
            runner.logger.warning(
                f'checkpoint has no {CKPT_KEY!r} entry: Self-KD starts '
                'without a teacher')
            return
        if state['monitor'] != self.monitor:
            raise ValueError(f'checkpoint tracked {state["monitor"]!r}, this '
                             f'SelfKDHook monitors {self.monitor!r}')
        self.best_score = float(state['best_score'])
        _student(runner).load_teacher_state(state['teacher'])
