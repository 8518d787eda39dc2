"""A results chart: one group of bars per row of a table (mean over seeds,
the seed standard deviation as an error bar) with every seed as a dot."""
import statistics
import textwrap
from typing import Dict, List, Optional

from mmskd.utils.io import atomic_output, write_json_atomic

COLOURS = ('#4477aa', '#ee6677', '#228833', '#ccbb44')
Groups = Dict[str, Dict[str, List[float]]]  # row -> series -> per-seed


def seed_bar_chart(groups: Groups, png: str, numbers: str, ylabel: str,
                   title: str = '', note: Optional[str] = None) -> dict:
    """Draw ``groups`` to ``png``; write the plotted numbers to
    ``numbers`` (JSON) and return them."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    rows = list(groups)
    series = list(dict.fromkeys(s for r in rows for s in groups[r]))
    width = 0.8 / max(len(series), 1)
    fig, ax = plt.subplots(figsize=(1.8 + 1.4 * len(rows), 4.2))
    for k, name in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width
              for i in range(len(rows))]
        values = [groups[r].get(name, []) for r in rows]
        means = [statistics.fmean(v) if v else 0.0 for v in values]
        stds = [statistics.stdev(v) if len(v) > 1 else 0.0 for v in values]
        ax.bar(xs, means, width * 0.95, yerr=stds, capsize=3, alpha=0.6,
               color=COLOURS[k % len(COLOURS)], label=name)
        for x, v in zip(xs, values):
            ax.scatter([x] * len(v), v, s=12, color='black', zorder=3)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r.replace(', ', ',\n').replace(' + ', '\n+ ')
                        for r in rows], fontsize=8)
    ax.set_ylabel(ylabel)
    if title:
        # wrapped to the figure's width: a one-row chart is narrow
        width = int(fig.get_figwidth() * 11)
        ax.set_title('\n'.join(textwrap.wrap(title, max(width, 20))),
                     fontsize=9)
    if len(series) > 1:
        ax.legend(fontsize=8)
    if note:
        fig.text(0.01, 0.01, note, fontsize=6, color='#555555')
    fig.tight_layout()
    with atomic_output(png) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    data = dict(ylabel=ylabel, title=title, rows=groups)
    write_json_atomic(numbers, data)
    return data
