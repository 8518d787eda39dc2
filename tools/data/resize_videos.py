"""Re-encode a video tree to short side 128 (H.264 mp4, short GOP).

    python tools/data/resize_videos.py SRC_DIR DST_DIR [--short-side 128]
        [--workers N] [--keyint 16] [--ext avi mp4 ...]

The tree under SRC_DIR is mirrored in DST_DIR with .mp4 names. Resumable:
finished outputs are skipped and stale .tmp.mp4 files of a killed run are
removed. Progress with rate and ETA on stderr. Exit status: 0 ok, 1 some videos failed (listed), 2 bad input.
"""
import argparse
import os
import sys

from mmskd.datasets.preparation import PreparationError, resize_tree
from mmskd.datasets.preparation.resize import VIDEO_EXTS
from mmskd.utils.progress import JobProgress


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src_dir')
    parser.add_argument('dst_dir')
    parser.add_argument('--short-side', type=int, default=128)
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    parser.add_argument('--keyint', type=int, default=16,
                        help='frames between keyframes (fast random seeks)')
    parser.add_argument('--ext', nargs='+', default=list(VIDEO_EXTS),
                        help='source extensions to convert')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = resize_tree(args.src_dir, args.dst_dir, args.short_side,
                             args.keyint, args.workers, args.ext,
                             lambda total: JobProgress(total, 'videos'))
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'{report["total"]} videos: {report["encoded"]} encoded, '
          f'{report["skipped"]} already done, {len(report["failed"])} '
          f'failed ({report["stale_tmp_removed"]} stale .tmp.mp4 removed)')
    for error in report['failed']:
        print(f'FAILED {error}', file=sys.stderr)
    return 1 if report['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
