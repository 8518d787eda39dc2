"""Plot the confusion matrix of a test run.

    python tools/test.py CONFIG CHECKPOINT --dump preds.pkl
    python tools/analysis/confusion_matrix.py preds.pkl \
        [--label-map classes.txt] [--out confusion.png] [--title TEXT]

Rows are the true classes, columns the predicted ones (the argmax of the
test protocol's averaged scores); cells hold counts, colours the fraction of
the row. Class names come from --label-map (one a line, line k = label k),
else the label numbers. Writes the PNG and, beside it, a CSV of the counts.
"""
import argparse
import os.path as osp
import sys

from mmskd.visualization.confusion import (class_names, count_confusion,
                                           plot_confusion, read_dump)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('dump', help='tools/test.py --dump output (.pkl)')
    parser.add_argument('--label-map', help='class names, one a line')
    parser.add_argument('--out', help='PNG path (default: beside the dump)')
    parser.add_argument('--title', default='')
    args = parser.parse_args(argv)
    out = args.out or osp.splitext(args.dump)[0] + '_confusion.png'
    try:
        labels, scores = read_dump(args.dump)
        names = class_names(scores.shape[1], args.label_map)
    except (OSError, ValueError, KeyError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    matrix = count_confusion(labels, scores.argmax(axis=1), len(names))
    csv_path = osp.splitext(out)[0] + '.csv'
    plot_confusion(matrix, names, out, csv_path, args.title)
    print(f'wrote {out} and {csv_path} ({matrix.sum()} videos, top-1 '
          f'{100 * matrix.trace() / matrix.sum():.1f}%)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
