"""How much does each loss term move the network? Gradient norms per term.

A loss term's value says little about its effect: SKD-SRL's distillation
term at tau = 10 is about 2% of the cross-entropy's value, but what matters
for training is the gradient it sends into the weights that are deployed
(encoder, neck and classifier). :func:`term_gradients` differentiates every
loss term of a recognizer separately on the same training batches and
reports, per term, the norm of its gradient on those weights, that norm as
a fraction of ``loss_cls``'s, and the cosine between the term's gradient and
``loss_cls``'s and the total's (the sum the optimiser steps along). A term
whose norm is a few thousandths of the cross-entropy's is inert whatever
its value.

Gradients are taken with ``torch.autograd.grad`` on one forward pass per
batch (``retain_graph`` between terms), in train mode (batch statistics in
BatchNorm, as in training); nothing is stepped and no weight changes, but
BatchNorm running statistics move as in any train-mode forward, so do not
save the model afterwards.
"""
from collections import defaultdict
from typing import Dict, Iterable, List, Sequence

import torch
from torch import Tensor, nn

DEPLOYED_PARTS = ('backbone', 'neck', 'cls_head')


def deployed_parameters(model: nn.Module,
                        parts: Sequence[str] = DEPLOYED_PARTS
                        ) -> List[nn.Parameter]:
    """The trainable parameters of the parts of ``model`` that inference
    keeps (SKD-SRL's projector/predictor excluded)."""
    params = []
    for name in parts:
        part = getattr(model, name, None)
        if part is not None:
            params += [p for p in part.parameters() if p.requires_grad]
    if not params:
        raise ValueError(f'{type(model).__name__} has none of {parts}')
    return params


def _flat_grad(loss: Tensor, params: List[nn.Parameter]) -> Tensor:
    """The gradient as one float64 vector: dot products over tens of
    millions of float32 entries drift by ~1e-3, enough to print a cosine
    of a vector with itself as 1.003."""
    grads = torch.autograd.grad(
        loss, params, retain_graph=True, allow_unused=True)
    return torch.cat([(g if g is not None else torch.zeros_like(p)).flatten()
                      for g, p in zip(grads, params)]).double()


def _cos(a: Tensor, b: Tensor) -> float:
    denom = a.norm() * b.norm()
    return float(a @ b / denom) if denom > 0 else float('nan')


def batch_term_gradients(model: nn.Module, data_batch: dict,
                         params: List[nn.Parameter]) -> Dict[str, Dict]:
    """One batch: per loss term, its value, gradient norm and cosines."""
    data = model.data_preprocessor(data_batch, training=True)
    losses = model(**data, mode='loss')
    # the runner sums the keys that contain 'loss' (MMEngine parse_losses)
    terms = {k: v for k, v in losses.items()
             if 'loss' in k and torch.is_tensor(v) and v.requires_grad}
    if 'loss_cls' not in terms:
        raise ValueError(f'the model returned no loss_cls: {sorted(losses)}')
    grads = {k: _flat_grad(v, params) for k, v in terms.items()}
    total = sum(grads.values())
    ce = grads['loss_cls']
    return {
        k: dict(value=float(terms[k].detach()), grad_norm=float(g.norm()),
                grad_ratio_to_cls=float(g.norm() / ce.norm()),
                cos_to_cls=_cos(g, ce), cos_to_total=_cos(g, total))
        for k, g in grads.items()
    }


def term_gradients(model: nn.Module, data_batches: Iterable[dict],
                   parts: Sequence[str] = DEPLOYED_PARTS) -> Dict[str, Dict]:
    """Mean over ``data_batches`` of :func:`batch_term_gradients`.

    Returns:
        dict: ``{term: {'value', 'grad_norm', 'grad_ratio_to_cls',
        'cos_to_cls', 'cos_to_total', 'batches'}}``, means over batches.
    """
    params = deployed_parameters(model, parts)
    model.train()
    sums: Dict[str, Dict[str, float]] = defaultdict(lambda: defaultdict(float))
    counts: Dict[str, int] = defaultdict(int)
    for data_batch in data_batches:
        for term, stats in batch_term_gradients(model, data_batch,
                                                params).items():
            counts[term] += 1
            for key, value in stats.items():
                sums[term][key] += value
    if not counts:
        raise ValueError('no batches')
    return {
        term: dict({k: v / counts[term] for k, v in stats.items()},
                   batches=counts[term])
        for term, stats in sums.items()
    }


def format_table(result: Dict[str, Dict]) -> str:
    """A Markdown table, ``loss_cls`` first."""
    order = sorted(result, key=lambda k: (k != 'loss_cls', k))
    lines = [
        '| Term | Value | Gradient norm | Norm / loss_cls\'s | '
        'cos to loss_cls | cos to total |',
        '|---|---:|---:|---:|---:|---:|',
    ]
    for term in order:
        r = result[term]
        lines.append(
            f"| {term} | {r['value']:.4g} | {r['grad_norm']:.4g} | "
            f"{r['grad_ratio_to_cls']:.4g} | {r['cos_to_cls']:+.3f} | "
            f"{r['cos_to_total']:+.3f} |")
    return '\n'.join(lines)
