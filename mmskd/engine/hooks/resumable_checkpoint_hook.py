"""``CheckpointHook`` that writes an epoch's checkpoint after its validation.

mmengine's ``EpochBasedTrainLoop`` runs ``after_train_epoch`` (where
``CheckpointHook`` saves ``epoch_N.pth``) *before* validating epoch N. The
file therefore misses what validation changes: the ``ReduceOnPlateauLR``
step on ``acc/top1`` (patience counter, best value, possibly the lr), the
best score, and the random numbers the val DataLoader draws. mmengine only
re-saves the file after validation when the best score improved, so
whether a resumed run matches an uninterrupted one depends on the metric.
This hook saves once, after validation, whenever validation follows.
"""
from mmaction.registry import HOOKS
from mmengine.hooks import CheckpointHook


@HOOKS.register_module()
class ResumableCheckpointHook(CheckpointHook):
    """Drop-in ``CheckpointHook`` (same arguments) whose epoch checkpoints
    hold the state *after* that epoch's validation.

    Only epoch-based saving (``by_epoch=True``) is deferred; iteration-based
    saving behaves exactly as ``CheckpointHook``. ``priority`` stays
    ``VERY_LOW``, so ``ParamSchedulerHook`` (``LOW``) has stepped on the
    val metric before the file is written.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deferred = False

    @staticmethod
    def _val_follows(runner) -> bool:
        """Whether the loop validates right after the current train epoch
        (the condition of ``EpochBasedTrainLoop.run``)."""
        loop, epoch = runner.train_loop, runner.epoch + 1
        return (runner.val_loop is not None and epoch >= loop.val_begin
                and (epoch % loop.val_interval == 0
                     or epoch == loop.max_epochs))

    def after_train_epoch(self, runner) -> None:
        if not (self.by_epoch and self._val_follows(runner)):
            super().after_train_epoch(runner)
            return
        self._deferred = self.every_n_epochs(
            runner, self.interval, self.save_begin) or (
                self.save_last and self.is_last_train_epoch(runner))

    def after_val_epoch(self, runner, metrics) -> None:
        super().after_val_epoch(runner, metrics)  # best checkpoint, if any
        self._save_deferred(runner)

    def before_train_epoch(self, runner) -> None:
        self._save_deferred(runner)  # validation was skipped after all

    def after_train(self, runner) -> None:
        self._save_deferred(runner)
        super().after_train(runner)

    def _save_deferred(self, runner) -> None:
        if not self._deferred:
            return
        self._deferred = False
        # The loop has counted the epoch already: runner.epoch == N here.
        step = runner.epoch
        path = self.file_backend.join_path(self.out_dir,
                                           self.filename_tmpl.format(step))
        if self.last_ckpt == path:
            return  # the best-checkpoint logic re-saved epoch_N already
        runner.logger.info(f'Saving checkpoint at {step} epochs')
        self._save_checkpoint_with_step(
            runner, step, meta=dict(epoch=step, iter=runner.iter))
