"""Write UCF101 annotation files from the official ucfTrainTestlist/.

    python tools/data/ucf101/prepare_annotations.py \
        --split-dir data/ucf101/ucfTrainTestlist --out-dir data/ucf101 \
        --video-root data/ucf101/videos [--splits 1 2 3] [--video-ext mp4]

Writes ucf101_{train,val}_split_{1,2,3}_videos.txt (0-based classInd labels)
and checks that no group (gXX) is in both train and test of a split. Exit
status: 0 ok, 1 overlapping groups, 2 bad input.
"""
import argparse
import sys

from mmskd.datasets.preparation import (PreparationError, describe_split,
                                        prepare_ucf101)
from mmskd.datasets.preparation.cli import split_list_parser


def parse_args(argv=None) -> argparse.Namespace:
    parser = split_list_parser(
        __doc__.split('\n')[0],
        split_dir_help='the official ucfTrainTestlist folder',
        out_dir='data/ucf101',
        layout='<Class>/<file>')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = prepare_ucf101(args.split_dir, args.out_dir, args.video_root,
                                args.splits, args.video_ext)
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    status = 0
    for split, result in report['splits'].items():
        print(describe_split(result['train']))
        print(describe_split(result['val']))
        overlap = result['overlapping_groups']
        if overlap:
            status = 1
            print(f'WARNING split {split}: {len(overlap)} groups are in both '
                  f'train and test: {overlap[:10]}', file=sys.stderr)
        else:
            print(f'split {split}: train and test groups are disjoint')
    print(f'{report["num_classes"]} classes')
    return status


if __name__ == '__main__':
    sys.exit(main())
