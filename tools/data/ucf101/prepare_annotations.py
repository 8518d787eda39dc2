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


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--split-dir', required=True,
                        help='the official ucfTrainTestlist folder')
    parser.add_argument('--out-dir', default='data/ucf101')
    parser.add_argument('--video-root', default=None,
                        help='videos folder (<Class>/<file>); listed videos '
                        'missing there are left out and reported. Omit to '
                        'skip the check')
    parser.add_argument('--splits', type=int, nargs='+', default=[1, 2, 3],
                        choices=[1, 2, 3])
    parser.add_argument('--video-ext', default=None,
                        help='replace .avi (e.g. mp4 after resize_videos.py)')
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
