"""Print Table II (or any comparison) from finished, tested runs.

    python tools/analysis/results_table.py WORK_DIR [WORK_DIR ...]
        [--protocol video|clip] [--plot chart.png]

Each WORK_DIR is a run (or a folder of runs, searched recursively) holding
the config MMEngine dumped there and ``test_video.json`` / ``test_clip.json``
from ``tools/test.py --out-metrics``. Runs with the same ``method_name`` and
``teacher_name`` (e.g. seeds) become one row: mean ± sample std. One
Markdown table per test protocol, each under a line stating the protocol.
--plot also draws the rows' top-1 (the first protocol asked for, else video):
mean, seed std as an error bar, each seed a dot; the numbers go beside it as
JSON. See docs/table2.md.
"""
import argparse
import os.path as osp
import sys
from typing import List, Optional

from mmskd.studies.results_table import (PROTOCOLS, results_tables,
                                         seed_values)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('work_dirs', nargs='+', metavar='WORK_DIR')
    parser.add_argument(
        '--protocol',
        choices=sorted(PROTOCOLS),
        action='append',
        help='video and/or clip accuracy (default: each one found)')
    parser.add_argument('--plot', help='also draw the chart to this PNG')
    args = parser.parse_args(argv)
    try:
        print(
            results_tables(args.work_dirs, args.protocol or ('video', 'clip')))
        if args.plot:
            from mmskd.visualization.charts import seed_bar_chart
            protocol = (args.protocol or ['video'])[0]
            values = seed_values(args.work_dirs, protocol)
            numbers = osp.splitext(args.plot)[0] + '.json'
            seed_bar_chart({m: {f'{protocol} top-1': v}
                            for m, v in values.items()}, args.plot, numbers,
                           f'test {protocol} top-1 (%)')
            print(f'wrote {args.plot} and {numbers}')
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
