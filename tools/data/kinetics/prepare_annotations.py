"""Write Kinetics-400 train/val annotation files from the official CSVs.

    python tools/data/kinetics/prepare_annotations.py \
        --train-csv data/kinetics400/annotations/train.csv \
        --val-csv data/kinetics400/annotations/validate.csv \
        --out-dir data/kinetics400 \
        --train-root data/kinetics400/videos_train \
        --val-root data/kinetics400/videos_val

Clips (<youtube_id>_<start:06d>_<end:06d>.<ext>, per-class folders or flat)
are looked up by file name. Listed clips not on disk are left out, counted
and named in <list>.missing.txt. Exit status: 0 ok, 2 bad input.
"""
import argparse
import sys

from mmskd.datasets.preparation import (PreparationError, describe_split,
                                        prepare_kinetics)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train-csv', required=True)
    parser.add_argument('--val-csv', default=None)
    parser.add_argument('--out-dir', default='data/kinetics400')
    parser.add_argument('--train-root', default=None,
                        help='train videos folder; omit to skip the lookup '
                        '(then flat <stem>.mp4 names are written unchecked)')
    parser.add_argument('--val-root', default=None, help='val videos folder')
    parser.add_argument('--prefix', default='kinetics400')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    csv_files = dict(train=args.train_csv)
    if args.val_csv:
        csv_files['val'] = args.val_csv
    roots = dict(train=args.train_root, val=args.val_root)
    try:
        report = prepare_kinetics(csv_files, args.out_dir, roots, args.prefix)
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    for result in report['phases'].values():
        print(describe_split(result))
    print(f'{report["num_classes"]} classes, in label order in '
          f'{report["classes_file"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
