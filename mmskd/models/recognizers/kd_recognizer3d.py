"""Distillation from a frozen teacher: Table II's "KD" and "Self-KD" rows.

docs/method.md section 8, for a single view x with student logits s = FC(f(x))
and teacher logits t::

    L = CE(s, y) + alpha * KL(softmax(t / tau) || softmax(s / tau))

(alpha 0.1, tau 10, as SKD-SRL). The teacher is kept out of ``nn.Module``'s
registry, so it is in neither ``state_dict()`` nor ``parameters()`` (hence
not in the optimizer or the saved student checkpoint), and ``.to()`` and
``train()`` skip it: it follows the input's device on first use and stays in
eval mode. ``predict()``/``_forward()`` are inherited: at test time these are
plain ``Recognizer3D`` models.
"""
from typing import Dict, List, Optional

import torch
import torch.nn as nn
from mmaction.models.recognizers import Recognizer3D
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList
from mmengine.logging import MMLogger
from mmengine.runner import CheckpointLoader, weights_to_cpu
from torch import Tensor

from mmskd.utils.io import find_checkpoint
from .skd_srl_recognizer3d import TRAIN_ONLY_PREFIXES

DEFAULT_LOSS_KD = dict(type='KDLoss', tau=10.0, loss_weight=0.1)
CKPT_KEY = 'model.teacher_ckpt'  # named in every error about the file


class FrozenTeacherRecognizer3D(Recognizer3D):
    """``Recognizer3D`` + ``loss_kd`` against a frozen, unregistered teacher.

    Args:
        teacher (dict): Recognizer config of the teacher (``type`` defaults
            to ``'Recognizer3D'``); its ``cls_head.num_classes`` must equal
            the student's.
        loss_kd (dict, optional): Distillation loss. Defaults to ``KDLoss``
            with tau 10 and weight alpha 0.1 (paper IV-A).
        backbone, cls_head, neck, train_cfg, test_cfg, data_preprocessor:
            The student, as ``Recognizer3D``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 teacher: ConfigType,
                 loss_kd: OptConfigType = None,
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            neck=neck,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        self.loss_kd = MODELS.build(loss_kd or DEFAULT_LOSS_KD)
        model = MODELS.build(dict(dict(type='Recognizer3D'), **teacher))
        if model.cls_head.num_classes != self.cls_head.num_classes:
            raise ValueError(
                f'teacher.cls_head.num_classes ({model.cls_head.num_classes})'
                f' must equal cls_head.num_classes '
                f'({self.cls_head.num_classes})')
        model.requires_grad_(False)
        # object.__setattr__ bypasses nn.Module's registry (see module doc).
        object.__setattr__(self, '_teacher', model.eval())
        self.teacher_ready = False

    @property
    def teacher(self) -> nn.Module:
        return self._teacher  # frozen, not a submodule

    def train(self, mode: bool = True) -> 'FrozenTeacherRecognizer3D':
        """Switch the student; the teacher stays in eval mode (fixed BN
        statistics, no dropout)."""
        super().train(mode)
        self._teacher.eval()
        return self

    def prepare_teacher(self) -> bool:
        """Whether the teacher can teach now (subclasses may load it)."""
        return self.teacher_ready

    def teacher_logits(self, inputs: Tensor) -> Optional[Tensor]:
        """t = teacher(x) on the student's (preprocessed) clips, or None."""
        if not self.prepare_teacher():
            return None
        if next(self._teacher.parameters()).device != inputs.device:
            self._teacher.to(inputs.device)
        with torch.no_grad():
            # [N, clips, C, T, H, W] -> features of [N * clips, C, T, H, W]
            feats, _ = self._teacher.extract_feat(inputs)
            return self._teacher.cls_head(feats)  # [N * clips, K]

    def loss(self, inputs: Tensor, data_samples: SampleList, **kwargs) -> dict:
        """CE + alpha * KD. Keys ``loss_cls``, ``loss_kd`` (0 while there
        is no teacher yet), ``top1_acc``, ``top5_acc``."""
        feats, kw = self.extract_feat(inputs, data_samples=data_samples)
        s = self.cls_head(feats)  # [N, K] student logits
        t = self.teacher_logits(inputs)  # [N, K] teacher logits, no grad
        losses = self.cls_head.loss_by_feat(s, data_samples)  # CE(s, y)
        if t is None:  # Self-KD before its first best epoch: no teacher yet
            losses['loss_kd'] = s.new_zeros(())
        else:
            losses['loss_kd'] = self.loss_kd(s, t)  # alpha * KL(t || s)
        losses.update(kw.get('loss_aux', dict()))
        return losses


@MODELS.register_module()
class KDRecognizer3D(FrozenTeacherRecognizer3D):
    """Conventional KD (Hinton et al.): a trained teacher, e.g. R3D-50.

    The teacher's weights are read from ``teacher_ckpt`` in
    ``init_weights()`` (the runner calls it before training) or, failing
    that, on the first ``loss()``; ``predict()`` never needs them.

    Args:
        teacher_ckpt (str): A checkpoint of the teacher config (keys
            ``backbone.*``, ``cls_head.*``; ``module.`` prefixes and
            SKD-SRL's training-only heads are dropped), or a work dir (its
            ``best_*.pth``, else its latest checkpoint).
        **kwargs: As ``FrozenTeacherRecognizer3D``.
    """

    def __init__(self, teacher: ConfigType, teacher_ckpt: str,
                 **kwargs) -> None:
        if not isinstance(teacher_ckpt, str) or not teacher_ckpt:
            raise ValueError('model.teacher_ckpt must be the path of the '
                             f'trained teacher, got {teacher_ckpt!r}')
        super().__init__(teacher=teacher, **kwargs)
        self.teacher_ckpt = teacher_ckpt

    def init_weights(self) -> None:
        super().init_weights()
        self.load_teacher()

    def load_teacher(self) -> None:
        """Load ``teacher_ckpt`` into the teacher (strict, clear errors)."""
        path = load_teacher_weights(self._teacher, self.teacher_ckpt)
        self.teacher_ready = True
        MMLogger.get_current_instance().info(f'KD teacher loaded: {path}')

    def prepare_teacher(self) -> bool:
        if not self.teacher_ready:
            self.load_teacher()
        return True


@MODELS.register_module()
class SelfKDRecognizer3D(FrozenTeacherRecognizer3D):
    """Self-KD, "Teaching yourself" (paper ref. [30]).

    The teacher has the student's architecture and holds the student's
    best-so-far weights: ``SelfKDHook`` calls :meth:`update_teacher` each
    time validation top-1 improves. Before the first copy there is nothing
    to distil, so ``loss_kd`` is 0 and the first epoch is plain CE (as in
    ref. [30], distillation starts from the first best epoch).

    Args:
        backbone, cls_head, neck: The student, also the teacher's config.
        **kwargs: As ``FrozenTeacherRecognizer3D`` (without ``teacher``).
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 neck: OptConfigType = None,
                 **kwargs) -> None:
        teacher = dict(backbone=backbone, cls_head=cls_head, neck=neck)
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            neck=neck,
            teacher=teacher,
            **kwargs)

    def update_teacher(self) -> None:
        """Copy the student's weights and BN statistics into the teacher."""
        self._teacher.load_state_dict(self.state_dict())
        self.teacher_ready = True

    def teacher_state(self) -> dict:
        """What resuming needs: readiness and the teacher's CPU weights."""
        if not self.teacher_ready:
            return dict(ready=False, state_dict=None)
        return dict(
            ready=True, state_dict=weights_to_cpu(self._teacher.state_dict()))

    def load_teacher_state(self, state: dict) -> None:
        """Restore what :meth:`teacher_state` returned."""
        if state['ready']:
            self._teacher.load_state_dict(state['state_dict'])
        self.teacher_ready = bool(state['ready'])


def load_teacher_weights(teacher: nn.Module, path: str) -> str:
    """Load a checkpoint (file or work dir) strictly into ``teacher``.

    Returns:
        str: The checkpoint file that was read.

    Raises:
        FileNotFoundError: No such file, or no checkpoint in the work dir.
        ValueError: Keys or shapes differ from the teacher's architecture.
    """
    try:
        file = path if '://' in path else find_checkpoint(path)
    except FileNotFoundError as err:
        raise FileNotFoundError(
            f'KD teacher checkpoint {path!r} ({CKPT_KEY}) not found: {err}. '
            'Train the teacher first (docs/table2.md) or set it with '
            f'--cfg-options {CKPT_KEY}=PATH') from None
    ckpt = CheckpointLoader.load_checkpoint(file, map_location='cpu')
    state = {
        k[len('module.'):] if k.startswith('module.') else k: v
        for k, v in ckpt.get('state_dict', ckpt).items()
        if not k.startswith(TRAIN_ONLY_PREFIXES)  # SKD-SRL's g, q: unused
    }
    problems = _mismatches(teacher.state_dict(), state)
    if problems:
        raise ValueError(f'KD teacher checkpoint {file} ({CKPT_KEY}) does '
                         'not match model.teacher: ' + '; '.join(problems))
    teacher.load_state_dict(state)
    return file


StateDict = Dict[str, Tensor]


def _mismatches(expected: StateDict, given: StateDict) -> List[str]:
    """Missing, unexpected and shape-mismatched keys, as readable lines."""
    shapes = [
        f'{k} (checkpoint {tuple(given[k].shape)}, model {tuple(v.shape)})'
        for k, v in expected.items()
        if k in given and given[k].shape != v.shape
    ]
    found = (('missing keys', sorted(set(expected) - set(given))),
             ('unexpected keys', sorted(set(given) - set(expected))),
             ('shape mismatches', shapes))
    return [
        f'{len(keys)} {what}: {keys[:5]}' + (' ...' if len(keys) > 5 else '')
        for what, keys in found if keys
    ]
