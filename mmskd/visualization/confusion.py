"""A confusion matrix from ``tools/test.py --dump`` output.

The dump (MMEngine's ``DumpResults``) is a pickled list, one dict per test
video, holding its ``gt_labels`` and ``pred_scores`` (``gt_label`` /
``pred_score`` in MMAction2 >= 1.2). The matrix is counted here rather than
with ``mmaction.evaluation.functional.confusion_matrix``, which keeps only
the labels that occur, so its rows would not line up with the class names
when a class is never predicted nor tested.
"""
import csv
import pickle
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmskd.utils.io import atomic_output


def _field(sample: dict, *names: str):
    for name in names:
        if name in sample:
            value = sample[name]
            value = value.get('item', value) if isinstance(value, dict) \
                else value
            return np.asarray(value)
    raise KeyError(f'a dumped sample has none of {names}; keys: '
                   f'{sorted(sample)}')


def read_dump(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """``(labels [N], scores [N, K])`` of a ``--dump`` pickle (our own file:
    written by ``tools/test.py``)."""
    with open(path, 'rb') as f:
        samples = pickle.load(f)
    if not samples:
        raise ValueError(f'{path} holds no predictions')
    labels = np.array([int(_field(s, 'gt_labels', 'gt_label').reshape(-1)[0])
                       for s in samples])
    scores = np.stack([_field(s, 'pred_scores', 'pred_score').reshape(-1)
                       for s in samples])
    return labels, scores


def count_confusion(labels: np.ndarray, predicted: np.ndarray,
                    num_classes: int) -> np.ndarray:
    """``[K, K]`` counts: row = true class, column = predicted class."""
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def plot_confusion(matrix: np.ndarray, names: Sequence[str], png: str,
                   csv_path: str, title: str = '') -> None:
    """Row-normalised colours, counts written in the cells; the counts go
    to ``csv_path`` with the class names as header and first column."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    k = len(names)
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    side = max(4.0, 0.32 * k + 2)
    fig, ax = plt.subplots(figsize=(side + 1, side))
    image = ax.imshow(rates, cmap='Blues', vmin=0, vmax=1)
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xticklabels(names, rotation=90, fontsize=6)
    ax.set_yticklabels(names, fontsize=6)
    ax.set_xlabel('predicted')
    ax.set_ylabel('true')
    for i in range(k):
        for j in range(k):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha='center', va='center',
                        fontsize=5,
                        color='white' if rates[i, j] > 0.5 else 'black')
    fig.colorbar(image, ax=ax, fraction=0.046, label='fraction of the row')
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(f'{title}{" - " if title else ""}top-1 {100 * accuracy:.1f}'
                 f'% of {matrix.sum()}', fontsize=9)
    fig.tight_layout()
    with atomic_output(png) as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    with atomic_output(csv_path) as tmp:
        with open(tmp, 'w', newline='') as f:
            writer = csv.writer(f)
            writer.writerow(['true \\ predicted', *names])
            writer.writerows([name, *row] for name, row in zip(names, matrix))


def class_names(num_classes: int, label_map: Optional[str] = None
                ) -> List[str]:
    """Names from a label map (one a line), else the label numbers."""
    if label_map is None:
        return [str(i) for i in range(num_classes)]
    with open(label_map) as f:
        names = [line.strip() for line in f if line.strip()]
    if len(names) != num_classes:
        raise ValueError(f'{label_map} has {len(names)} names, the scores '
                         f'have {num_classes} classes')
    return names
