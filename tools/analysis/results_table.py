"""Print Table II (or any comparison) from finished, tested runs.

    python tools/analysis/results_table.py WORK_DIR [WORK_DIR ...]
        [--protocol video|clip]

Each WORK_DIR is a run (or a folder of runs, searched recursively) holding
the config MMEngine dumped there and ``test_video.json`` / ``test_clip.json``
from ``tools/test.py --out-metrics``. Runs with the same ``method_name`` and
``teacher_name`` (e.g. seeds) become one row: mean ± sample std. One
Markdown table per test protocol, each under a line stating the protocol.
See docs/table2.md.
"""
import argparse
import sys
from typing import List, Optional

from mmskd.studies.results_table import PROTOCOLS, results_tables


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('work_dirs', nargs='+', metavar='WORK_DIR')
    parser.add_argument(
        '--protocol',
        choices=sorted(PROTOCOLS),
        action='append',
        help='video and/or clip accuracy (default: each one found)')
    args = parser.parse_args(argv)
    try:
        print(
            results_tables(args.work_dirs, args.protocol or ('video', 'clip')))
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
