"""Build UTD-MHAD depth videos and cross-subject lists from the official
.mat files.

    python tools/data/utd_mhad/prepare.py DEPTH_DIR [OUT_DIR] [--size 128]
        [--margin 0.08] [--val-subjects 7] [--workers N]

DEPTH_DIR is the folder of the official Depth.zip (a<A>_s<S>_t<T>_depth.mat).
OUT_DIR (default data/utd_mhad) gets videos/*.mp4 (grey, near = bright,
background black, cropped to the person), classes.txt, train.txt / val.txt
(training subjects 1 3 5 7 without / with only --val-subjects), trainval.txt
and test.txt (subjects 2 4 6 8). Resumable: run it again after an
interruption. Exit status: 0 ok, 1 some files failed (named; the rest are
converted and listed), 2 bad input. See docs/data_preparation.md.
"""
import argparse
import os
import sys

from mmskd.datasets.preparation import PreparationError, prepare_utd_mhad
from mmskd.utils.progress import JobProgress


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('depth_dir', help='folder of the official .mat files')
    parser.add_argument('out_dir', nargs='?', default='data/utd_mhad')
    parser.add_argument('--size', type=int, default=128,
                        help='side of the square videos (even)')
    parser.add_argument('--margin', type=float, default=0.08,
                        help='border around the person, fraction of the '
                        'crop side on each side')
    parser.add_argument('--val-subjects', type=int, nargs='+', default=[7],
                        help='training subjects held out for validation')
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = prepare_utd_mhad(
            args.depth_dir, args.out_dir, args.size, args.margin,
            args.val_subjects, args.workers,
            progress=lambda total: JobProgress(total, 'sequences'))
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'{report["total"]} sequences: {report["converted"]} converted, '
          f'{report["skipped"]} done before, {len(report["failed"])} failed '
          f'({report["stale_tmp_removed"]} stale temporary files removed)')
    print('lists in {}: {}'.format(args.out_dir, ', '.join(
        f'{name}.txt {n}' for name, n in report['lists'].items())))
    for error in report['failed']:
        print(f'FAILED {error}', file=sys.stderr)
    return 1 if report['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
