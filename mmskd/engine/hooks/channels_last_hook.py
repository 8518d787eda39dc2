"""Train and test in the channels-last 3D memory format (a speed switch)."""
from typing import Optional

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmskd.engine.speed import enable_channels_last_3d


@HOOKS.register_module()
class ChannelsLast3dHook(Hook):
    """Convert the model's 5-D weights and its backbone's input to NDHWC.

    Results are unchanged (up to floating-point summation order); only the
    memory layout differs. It pays off with cuDNN on GPU, mostly under AMP;
    see docs/performance.md for measured gains before switching it on::

        custom_hooks = [dict(type='ChannelsLast3dHook')]

    The conversion runs in ``before_run``, after MMEngine has wrapped the
    model in DistributedDataParallel: DDP then copies each gradient into its
    contiguous bucket (PyTorch warns that grad strides do not match bucket
    view strides); this costs one copy of the gradients per step.

    Args:
        input_module (str, optional): Attribute of the model whose 5-D input
            is converted too. Defaults to ``'backbone'``; None converts the
            weights only (convolutions then convert their input).
    """

    priority = 'VERY_HIGH'  # before checkpoint loading and EMA copies

    def __init__(self, input_module: Optional[str] = 'backbone') -> None:
        self.input_module = input_module

    def before_run(self, runner) -> None:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        enable_channels_last_3d(model, self.input_module)
        runner.logger.info('ChannelsLast3dHook: weights and '
                           f'{self.input_module} input in channels_last_3d')
