"""Training curves of one or more runs, from the runner's own scalar logs.

MMEngine's ``LocalVisBackend`` writes ``<work dir>/<timestamp>/vis_data/
scalars.json``: one JSON line per logged training iteration (``step`` =
global iteration, ``epoch``, the losses, accuracies, Siamese monitors and
``lr``) and one per validation (``step`` = epoch, ``acc/top1`` ...). A
resumed run has one folder per invocation; later lines win for a step.
"""
import csv
import json
import os.path as osp
from glob import glob
from typing import Dict, List, Sequence

from mmskd.utils.io import atomic_output

# Panels: title -> logged keys drawn in it (those a run has).
PANELS = {
    'losses': ('loss', 'loss_cls', 'loss_kd', 'loss_sim'),
    'training accuracy': ('top1_acc', 'top1_acc_view1', 'top1_acc_view2'),
    'validation top-1': ('acc/top1', ),
    'learning rate': ('lr', ),
    'Siamese branch': ('cos_sim', 'cos_sim_mismatched', 'z_std'),
}
Curves = Dict[str, List[List[float]]]  # key -> [[x, value], ...]


def load_curves(work_dir: str) -> Curves:
    """Every logged scalar of a run: training keys against the fractional
    epoch (the last logged iteration of epoch e is at x = e), validation
    keys against the epoch."""
    train: Dict[int, dict] = {}
    val: Dict[int, dict] = {}
    files = sorted(glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not files:
        raise FileNotFoundError(f'no */vis_data/scalars.json under '
                                f'{work_dir} (is it an MMEngine work dir?)')
    for path in files:
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                (val if 'epoch' not in rec else train)[rec['step']] = rec
    last: Dict[int, int] = {}  # epoch -> its last logged global step
    for step, rec in train.items():
        last[rec['epoch']] = max(last.get(rec['epoch'], 0), step)
    curves: Curves = {}
    for step, rec in sorted(train.items()):
        epoch = rec['epoch']
        start = last.get(epoch - 1, 0)  # the step the epoch began after
        x = epoch - 1 + (step - start) / max(last[epoch] - start, 1)
        for key, value in rec.items():
            if key not in ('epoch', 'iter', 'step', 'time', 'data_time',
                           'memory'):
                curves.setdefault(key, []).append([x, value])
    for epoch, rec in sorted(val.items()):
        for key, value in rec.items():
            if key.startswith('acc/'):
                curves.setdefault(key, []).append([float(epoch), value])
    return curves


def plot_curves(work_dirs: Sequence[str], png: str, csv_path: str,
                labels: Sequence[str] = ()) -> Dict[str, Curves]:
    """Draw every panel with data, runs overlaid; the plotted points go to
    ``csv_path`` (run, key, epoch, value). Returns the curves by run."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = list(labels) or [_name(d, work_dirs) for d in work_dirs]
    runs = {name: load_curves(d) for name, d in zip(names, work_dirs)}
    panels = [(title, keys) for title, keys in PANELS.items()
              if any(k in c for c in runs.values() for k in keys)]
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(4.2 * len(panels), 3.6))
    styles = ('-', '--', ':', '-.')
    for ax, (title, keys) in zip(axes[0], panels):
        for r, (name, curves) in enumerate(runs.items()):
            for k, key in enumerate(key for key in keys if key in curves):
                xs, ys = zip(*curves[key])
                label = key if len(runs) == 1 else f'{name}: {key}'
                ax.plot(xs, ys, styles[k % len(styles)], lw=1.2,
                        color=f'C{r}', label=label,
                        marker='.' if key.startswith('acc/') else None)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel('epoch')
        ax.legend(fontsize=6)
        if title == 'learning rate':
            ax.set_yscale('log')
    fig.tight_layout()
    with atomic_output(png) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    with atomic_output(csv_path) as tmp:
        with open(tmp, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['run', 'key', 'epoch', 'value'])
            for name, curves in runs.items():
                for key, points in curves.items():
                    writer.writerows([name, key, x, y] for x, y in points)
    return runs


def _name(work_dir: str, all_dirs: Sequence[str]) -> str:
    """The shortest trailing path that tells the runs apart."""
    parts = osp.normpath(work_dir).split(osp.sep)
    others = [osp.normpath(d).split(osp.sep) for d in all_dirs
              if d != work_dir]
    for n in range(1, len(parts) + 1):
        tail = parts[-n:]
        if all(o[-n:] != tail for o in others):
            return '/'.join(tail)
    return work_dir
