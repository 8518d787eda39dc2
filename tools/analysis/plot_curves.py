"""Plot the training curves of one or more runs, overlaid.

    python tools/analysis/plot_curves.py WORK_DIR [WORK_DIR ...]
        [--out curves.png] [--labels A B ...]

Panels (those the runs logged): every loss term, training accuracy (both
views for SKD-SRL), validation top-1, the learning rate and the Siamese
monitors (matched and mismatched cosine, z_std), against the epoch, from
each run's own scalar logs (<work dir>/<timestamp>/vis_data/scalars.json;
a resumed run's invocations are joined). Writes the PNG and, beside it, a
CSV of every plotted point (run, key, epoch, value).
"""
import argparse
import os.path as osp
import sys

from mmskd.visualization.curves import plot_curves


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('work_dirs', nargs='+', metavar='WORK_DIR')
    parser.add_argument('--out', help='PNG path (default: curves.png in the '
                        'first work dir)')
    parser.add_argument('--labels', nargs='+', default=(),
                        help='one legend name per work dir')
    args = parser.parse_args(argv)
    if args.labels and len(args.labels) != len(args.work_dirs):
        parser.error(f'{len(args.labels)} labels for '
                     f'{len(args.work_dirs)} work dirs')
    out = args.out or osp.join(args.work_dirs[0], 'curves.png')
    csv_path = osp.splitext(out)[0] + '.csv'
    try:
        plot_curves(args.work_dirs, out, csv_path, args.labels)
    except FileNotFoundError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'wrote {out} and {csv_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
