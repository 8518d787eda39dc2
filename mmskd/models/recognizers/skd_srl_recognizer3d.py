"""SKD-SRL recognizer: Eq. 5 of the paper on two views per video."""
from typing import Dict, Tuple

from mmaction.models.recognizers import Recognizer3D
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

VIEW_MODES = ('separate', 'batched')
# What a plain Recognizer3D does not have: config keys and state-dict key
# prefixes of the training-only parts (the projector g and predictor q, and
# the distillation loss), dropped by the plain export.
TRAIN_ONLY_MODEL_KEYS = ('siamese_head', 'loss_kd', 'view_forward')
TRAIN_ONLY_PREFIXES = ('siamese_head.', 'loss_kd.')


@MODELS.register_module()
class SKDSRLRecognizer3D(Recognizer3D):
    """Self-knowledge distillation with Siamese representation learning.

    Training (Eq. 5)::

        L = CE(p1, y) + CE(p2, y) + alpha * L_kd(p1, p2) + beta * L_sim

    with alpha = ``loss_kd.loss_weight`` and beta =
    ``siamese_head.loss_sim.loss_weight``. The two views arrive on the clip
    axis, ``inputs`` of shape ``[N, 2, C, T, H, W]``. ``predict()`` and
    ``_forward()`` are inherited unchanged: at test time this is a plain
    ``Recognizer3D`` (encoder + FC), so multi-clip averaging, FLOPs counting
    and export work as for any MMAction2 model.

    Args:
        backbone (dict): The encoder f.
        cls_head (dict): The classifier FC, shared by both views.
        siamese_head (dict): Projector g + predictor q, with ``loss_sim``.
        loss_kd (dict): The distillation loss (Eq. 2). Defaults to
            ``ViewDistillationLoss`` with tau 10 and weight alpha 0.1.
        view_forward (str): ``'separate'`` (two encoder calls, per-view
            BatchNorm statistics, as Algorithm 1) or ``'batched'`` (one call
            on 2N clips). Defaults to ``'separate'``.
        neck, train_cfg, test_cfg, data_preprocessor: As ``Recognizer3D``.
    """

    def __init__(self,
                 backbone: ConfigType,
                 cls_head: ConfigType,
                 siamese_head: ConfigType,
                 loss_kd: ConfigType = dict(
                     type='ViewDistillationLoss', tau=10.0, loss_weight=0.1),
                 view_forward: str = 'separate',
                 neck: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None) -> None:
        if view_forward not in VIEW_MODES:
            raise ValueError(f'view_forward must be one of {VIEW_MODES}, '
                             f'got {view_forward!r}')
        super().__init__(
            backbone=backbone,
            cls_head=cls_head,
            neck=neck,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor)
        self.siamese_head = MODELS.build(siamese_head)
        self.loss_kd = MODELS.build(loss_kd)
        self.view_forward = view_forward

    def encode_views(self,
                     inputs: Tensor,
                     data_samples: SampleList = None
                     ) -> Tuple[Tensor, Tensor, Dict]:
        """Encode both views: ``r1, r2 = f(x1), f(x2)`` (Alg. 1, line 5).

        Returns the two feature maps (before pooling) and the neck's
        auxiliary losses, if any.
        """
        if inputs.dim() != 6 or inputs.shape[1] != 2:
            raise ValueError(
                'SKDSRLRecognizer3D expects two views on the clip axis, '
                'inputs of shape [N, 2, C, T, H, W]; got '
                f'{tuple(inputs.shape)}. Use TwoViewSample in the train '
                'pipeline.')
        if self.view_forward == 'separate':
            # [N, 1, C, T, H, W] per call -> backbone(+neck) feature maps
            f1, kw1 = self.extract_feat(inputs[:, :1],
                                        data_samples=data_samples)
            f2, kw2 = self.extract_feat(inputs[:, 1:],
                                        data_samples=data_samples)
            aux = _merge_aux(kw1, kw2)
        else:
            n = inputs.shape[0]
            # [N, 2, ...] -> [2, N, ...] so that the first N rows are view 1
            both = inputs.transpose(0, 1).contiguous()
            # [2N, 1, C, T, H, W]: one encoder call, BN statistics shared
            feats, kw = self.extract_feat(
                both.view((2 * n, 1) + both.shape[2:]),
                data_samples=list(data_samples or []) * 2 or None)
            f1, f2 = feats[:n], feats[n:]
            aux = kw.get('loss_aux', dict())
        return f1, f2, aux

    def loss(self, inputs: Tensor, data_samples: SampleList,
             **kwargs) -> dict:
        """Eq. 5. Loss keys ``loss_cls``, ``loss_kd``, ``loss_sim``; the
        other keys are logged metrics (they contain no "loss")."""
        f1, f2, loss_aux = self.encode_views(inputs, data_samples)
        p1, p2 = self.cls_head(f1), self.cls_head(f2)  # [N, K] logits, one FC
        ce1 = self.cls_head.loss_by_feat(p1, data_samples)
        ce2 = self.cls_head.loss_by_feat(p2, data_samples)
        sim = self.siamese_head.loss(f1, f2)  # z = g(r), v = q(z), Eq. 3
        losses = dict(
            loss_cls=ce1.pop('loss_cls') + ce2.pop('loss_cls'),
            loss_kd=self.loss_kd(p1, p2),  # alpha * L_kd, Eq. 2
            loss_sim=sim.pop('loss_sim'))  # beta * L_sim, Eq. 3
        losses.update({f'{k}_view1': v for k, v in ce1.items()})
        losses.update({f'{k}_view2': v for k, v in ce2.items()})
        losses.update(sim)
        losses.update(loss_aux)
        return losses


def _merge_aux(kw1: Dict, kw2: Dict) -> Dict:
    """Sum the neck's auxiliary losses of the two views (usually empty)."""
    aux1 = kw1.get('loss_aux', dict())
    aux2 = kw2.get('loss_aux', dict())
    return {k: aux1[k] + aux2[k] for k in aux1}
