"""Write HMDB51 annotation files from the official split files.

    python tools/data/hmdb51/prepare_annotations.py \
        --split-dir data/hmdb51/testTrainMulti_7030_splits \
        --out-dir data/hmdb51 --video-root data/hmdb51/videos \
        [--splits 1 2 3] [--video-ext mp4]

Writes hmdb51_{train,val}_split_{1,2,3}_videos.txt (labels: positions of the
class names sorted alphabetically, listed in hmdb51_classes.txt). Exit
status: 0 ok, 2 bad input.
"""
import argparse
import sys

from mmskd.datasets.preparation import (PreparationError, describe_split,
                                        prepare_hmdb51)
from mmskd.datasets.preparation.cli import split_list_parser


def parse_args(argv=None) -> argparse.Namespace:
    parser = split_list_parser(
        __doc__.split('\n')[0],
        split_dir_help='the official testTrainMulti_7030_splits folder',
        out_dir='data/hmdb51',
        layout='<class>/<video>')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = prepare_hmdb51(args.split_dir, args.out_dir, args.video_root,
                                args.splits, args.video_ext)
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    for result in report['splits'].values():
        print(describe_split(result['train']))
        print(describe_split(result['val']))
    print(f'{report["num_classes"]} classes, in label order in '
          f'{report["classes_file"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
