"""Decode every video of an annotation file; write a cleaned copy + report.

    python tools/data/check_videos.py ANN_FILE --data-root DIR
        [--clip-len 16 --frame-interval 1] [--workers N] [--drop-short]
        [--keep-damaged] [--out CLEAN.txt] [--report REPORT.json]
        [--backend auto]

Missing, empty and unreadable videos are removed from the cleaned file
(default <ann>.clean.txt), and so are damaged ones (the decoder fails
part-way, or fewer frames decode than the container declares: e.g. a
truncated download) unless --keep-damaged; too-short ones (complete, but
< clip_len * frame_interval frames, which SampleFrames loop-pads) are a
warning and removed only with --drop-short. The JSON report (default
<ann>.check.json) lists each problem. Progress with rate and ETA goes to
stderr. Exit status: 0 nothing removed, 1 some videos removed, 2 bad input.
"""
import argparse
import os
import sys

from mmskd.datasets.preparation import PreparationError, check_annotation
from mmskd.utils.progress import JobProgress

SHOW = 20  # problems printed; the JSON report has all of them


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('ann_file')
    parser.add_argument('--data-root', required=True,
                        help="the folder the listed paths are relative to "
                        "(the config's data_prefix['video'])")
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--frame-interval', type=int, default=1)
    parser.add_argument('--workers', type=int, default=os.cpu_count() or 1)
    parser.add_argument('--drop-short', action='store_true')
    parser.add_argument('--keep-damaged', action='store_true',
                        help='keep videos that decode only partly')
    parser.add_argument('--out', default=None, help='cleaned annotation file')
    parser.add_argument('--report', default=None, help='JSON report file')
    parser.add_argument('--backend', default='auto',
                        choices=['auto', 'decord', 'pyav'])
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        report = check_annotation(
            args.ann_file, args.data_root, args.clip_len, args.frame_interval,
            args.workers, args.drop_short, args.out, args.report,
            args.backend, lambda total: JobProgress(total, 'videos checked'),
            args.keep_damaged)
    except PreparationError as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    counts = ', '.join(f'{k} {v}' for k, v in report['counts'].items())
    print(f'{report["total"]} videos: {counts}')
    for problem in report['problems'][:SHOW]:
        action = 'removed' if problem['removed'] else 'kept (warning)'
        print(f'  line {problem["line"]}: {problem["path"]}: '
              f'{problem["status"]}, {action}: {problem["error"]}')
    if len(report['problems']) > SHOW:
        print(f'  ... {len(report["problems"]) - SHOW} more in the report')
    print(f'wrote {report["clean_file"]} ({report["kept"]} kept, '
          f'{report["removed"]} removed) and {report["report_file"]}')
    return 1 if report['removed'] else 0


if __name__ == '__main__':
    sys.exit(main())
