"""No host synchronisation inside a training step: after the data
preprocessor (whose own host reads are of shape bookkeeping on the CPU), the
rest of ``train_step`` (SKD-SRL's Eq. 5, the heads' logged accuracy, the
Siamese monitors, the loss sum, backward, SGD) runs without reading a
tensor's value on the host.
"""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper

from helpers.host_reads import HostReadError, forbid_host_reads

K = 5


def _model(kind, view_forward='separate'):
    torch.manual_seed(0)
    cfg = dict(
        type='Recognizer3D',
        backbone=dict(type='ResNet3dHara', depth=18, base_channels=4),
        cls_head=dict(type='I3DHead', num_classes=K, in_channels=32,
                      dropout_ratio=0.0),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               mean=[127.5] * 3, std=[127.5] * 3,
                               format_shape='NCTHW'))
    if kind == 'skd':
        cfg.update(type='SKDSRLRecognizer3D', view_forward=view_forward,
                   siamese_head=dict(type='SiameseHead', in_channels=32,
                                     proj_channels=16,
                                     pred_hidden_channels=8))
    return MODELS.build(cfg)


def _data(views, n=4):
    g = torch.Generator().manual_seed(1)
    inputs = [torch.randint(0, 256, (views, 3, 4, 32, 32), generator=g,
                            dtype=torch.uint8) for _ in range(n)]
    samples = [ActionDataSample().set_gt_labels(i % K) for i in range(n)]
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('kind,view_forward', [
    ('skd', 'separate'), ('skd', 'batched'), ('plain', 'separate')])
def test_train_step_reads_no_tensor_on_the_host(kind, view_forward):
    model = _model(kind, view_forward)
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01,
                                         momentum=0.9))
    data = model.data_preprocessor(_data(2 if kind == 'skd' else 1), True)
    with forbid_host_reads():  # the rest of BaseModel.train_step
        losses = model(**data, mode='loss')
        parsed, log_vars = model.parse_losses(losses)
        optim.update_params(parsed)
    for key in ('loss', 'loss_cls'):
        assert torch.isfinite(log_vars[key])
    acc = [k for k in log_vars if 'acc' in k]
    assert acc and all(0 <= log_vars[k] <= 1 for k in acc)
    if kind == 'skd':
        assert {'cos_sim', 'cos_sim_mismatched', 'z_std'} <= set(log_vars)


def test_the_check_catches_mmaction2s_own_head_accuracy():
    """The unpatched head reads scores through numpy: the check fires."""
    from mmaction.models.heads.base import BaseHead
    head = _model('plain').cls_head
    original = BaseHead.loss_by_feat.__closure__  # the wrapped original
    unpatched = next(c.cell_contents for c in original
                     if callable(c.cell_contents) and
                     c.cell_contents.__name__ == 'loss_by_feat')
    scores = torch.randn(4, K)
    samples = _data(1)['data_samples']
    with forbid_host_reads(), pytest.raises(HostReadError, match='cpu'):
        unpatched(head, scores, samples)
