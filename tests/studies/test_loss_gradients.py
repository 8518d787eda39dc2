"""Per-term gradient norms (mmskd.studies.loss_gradients and its tool) on
constructed losses whose gradients are known, and on a tiny SKD-SRL."""
import json
import math

import pytest
import torch
from torch import nn

from conftest import REPO_ROOT
from helpers.tiny_run import one_thread  # noqa: F401
from mmskd.studies.loss_gradients import format_table, term_gradients
from helpers.tools import load_tool


class _Toy(nn.Module):
    """loss_cls = (w . x)^2, and terms built from it with known gradients:
    3 x, its negative, one that only the projector sees, a metric."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(3, 1, bias=False)
        self.siamese_head = nn.Linear(3, 1, bias=False)  # not deployed
        with torch.no_grad():
            self.backbone.weight.copy_(torch.tensor([[1.0, -2.0, 0.5]]))
        self.data_preprocessor = lambda batch, training: batch

    def forward(self, inputs, mode):
        assert mode == 'loss'
        cls = (self.backbone(inputs) ** 2).mean()
        return dict(loss_cls=cls, loss_three=3 * cls, loss_neg=-cls,
                    loss_head=self.siamese_head(inputs).mean(),
                    top1_acc=torch.tensor(0.5))


def test_known_gradients_of_constructed_terms():
    x = torch.tensor([[2.0, 1.0, 4.0]])  # w . x = 2 - 2 + 2 = 2
    result = term_gradients(_Toy(), [dict(inputs=x)] * 2)
    assert set(result) == {'loss_cls', 'loss_three', 'loss_neg',
                           'loss_head'}  # no metric keys
    # d/dw (w . x)^2 = 2 (w . x) x = 4 x: norm 4 * sqrt(21)
    assert result['loss_cls']['grad_norm'] == pytest.approx(4 * 21 ** 0.5)
    assert result['loss_cls']['value'] == pytest.approx(4.0)
    assert result['loss_three']['grad_ratio_to_cls'] == pytest.approx(3.0)
    assert result['loss_three']['cos_to_cls'] == pytest.approx(1.0)
    assert result['loss_neg']['cos_to_cls'] == pytest.approx(-1.0)
    # total = (1 + 3 - 1) * grad_cls: every term parallel or anti-parallel
    assert result['loss_neg']['cos_to_total'] == pytest.approx(-1.0)
    # the projector's own term sends nothing into the deployed weights
    assert result['loss_head']['grad_norm'] == 0.0
    assert math.isnan(result['loss_head']['cos_to_cls'])
    assert result['loss_cls']['batches'] == 2
    table = format_table(result)
    assert table.splitlines()[2].startswith('| loss_cls |')


def test_a_model_without_deployed_parts_is_refused():
    model = nn.Module()
    model.siamese_head = nn.Linear(2, 1)
    with pytest.raises(ValueError, match='backbone'):
        term_gradients(model, [dict(inputs=torch.zeros(1, 2))])


@pytest.fixture(scope='module')
def tiny_skd(tmp_path_factory):
    """A tiny SKD-SRL config on generated videos and a checkpoint of its
    (untrained) weights, in full and without the training-only head."""
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    from helpers.tiny_run import tiny_config
    from helpers.videos import make_video_set
    tmp = tmp_path_factory.mktemp('grads')
    make_video_set(tmp / 'data', {'train': 6, 'val': 2})
    cfg = tiny_config(tmp / 'data', tmp / 'work')
    cfg.dump(str(tmp / 'tiny.py'))
    init_default_scope('mmaction')
    torch.manual_seed(0)
    state = MODELS.build(cfg.model).state_dict()
    torch.save(dict(state_dict=state), tmp / 'full.pth')
    torch.save(dict(state_dict={k: v for k, v in state.items()
                                if not k.startswith('siamese_head.')}),
               tmp / 'plain.pth')
    return tmp


def _run_tool(tmp, checkpoint, out, *options):
    main = load_tool(REPO_ROOT / 'tools/analysis/loss_gradients.py').main
    argv = [str(tmp / 'tiny.py'), str(tmp / checkpoint), '--batches', '2',
            '--out', str(tmp / out)]
    if options:
        argv += ['--cfg-options', *options]
    return main(argv)


@pytest.mark.usefixtures('one_thread')
def test_tool_scales_with_the_distillation_weight(tiny_skd, capsys):
    """Same weights, same batches: doubling alpha doubles loss_kd's
    gradient and leaves loss_cls's alone; SRL's term is reported too."""
    assert _run_tool(tiny_skd, 'full.pth', 'a.json') == 0
    assert '| loss_kd |' in capsys.readouterr().out
    assert _run_tool(tiny_skd, 'full.pth', 'b.json',
                     'model.loss_kd.loss_weight=0.2') == 0
    a = json.loads((tiny_skd / 'a.json').read_text())['terms']
    b = json.loads((tiny_skd / 'b.json').read_text())['terms']
    assert set(a) == {'loss_cls', 'loss_kd', 'loss_sim'}
    assert b['loss_cls']['grad_norm'] == pytest.approx(
        a['loss_cls']['grad_norm'], rel=1e-5)
    assert a['loss_kd']['grad_norm'] > 0
    assert b['loss_kd']['grad_norm'] == pytest.approx(
        2 * a['loss_kd']['grad_norm'], rel=1e-4)
    assert a['loss_sim']['grad_norm'] > 0


def test_tool_refuses_an_exported_checkpoint(tiny_skd, capsys):
    assert _run_tool(tiny_skd, 'plain.pth', 'c.json') == 2
    err = capsys.readouterr().err
    assert 'plain.pth lacks' in err and 'siamese_head.' in err
    assert not (tiny_skd / 'c.json').exists()
