"""Run a study (rows x seeds; train, then test the last and the best-by-
validation checkpoint under the video and clip protocols) and report it.

    python tools/analysis/run_study.py utd_mhad [--rows ROW ...]
        [--seeds S ...] [--max-runs N] [--dry-run] [--report-only]
        [--add-predictions]

Each finished run leaves a small record, docs/studies/<study>/<row>/
seed<S>.json (commit it): runs with a record are skipped, a run with
checkpoints is resumed, so the same command continues an interrupted study,
on this machine or a fresh one. Progress and ETA go to stdout. The report
(docs/results.md section, chart) is rewritten from the records after the
runs, or alone with --report-only. See docs/studies/README.md.
"""
import argparse
import os.path as osp
import shlex
import sys
import time
from typing import List, Optional

from mmskd.studies.spec import STUDIES, plan
from mmskd.studies.study_runner import (TESTS, Clock, add_predictions,
                                        epochs_done, epochs_of, execute,
                                        is_recorded, test_command,
                                        train_command)
from mmskd.studies.table2_eta import hhmm
from mmskd.studies.table2_exec import RunFailed

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('study', choices=sorted(STUDIES))
    parser.add_argument('--rows', nargs='+', help='only these rows')
    parser.add_argument('--seeds', type=int, nargs='+', help='only these')
    parser.add_argument('--max-runs', type=int, default=0,
                        help='stop after recording this many runs (0: all)')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the plan, commands and cost; run nothing')
    parser.add_argument('--report-only', action='store_true',
                        help='only rewrite the report from the records')
    parser.add_argument(
        '--add-predictions', action='store_true',
        help='test recorded runs whose records keep no per-video '
        'predictions again (their checkpoints must be in the work dirs), '
        'check the numbers agree, add the predictions, rewrite the report')
    return parser.parse_args(argv)


def describe(runs, clock) -> str:
    lines, total = [], 0.0
    for k, run in enumerate(runs, 1):
        epochs = epochs_of(run, REPO)
        if is_recorded(run, REPO):
            lines.append(f'[{k}/{len(runs)}] {run.name}: recorded, skipped')
            continue
        done = epochs_done(run, REPO)
        left = clock.left(run, epochs, done, len(TESTS))
        total += left
        lines.append(f'[{k}/{len(runs)}] {run.name}: {epochs} epochs '
                     f'({done} done) x {clock.per_epoch(run):.0f} s + tests '
                     f'= {hhmm(left)}')
        lines.append('    ' + shlex.join(train_command(run, done > 0)))
        lines.append('    ' + shlex.join(test_command(
            run, '<last|best checkpoint>', 'last', 'video')) +
            f' (x{len(TESTS)})')
    lines.append(f'total left: {hhmm(total)} (hh:mm) on the development '
                 'machine\'s per-epoch times (measured where runs exist)')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    study = STUDIES[args.study]
    runs = plan(study, args.rows, args.seeds)
    if args.dry_run:
        print(describe(runs, Clock(runs, REPO)))
        return 0
    from mmskd.studies.study_report import write_report

    def rewrite_report(_run=None) -> None:
        for path in write_report(study, REPO):
            print(f'wrote {path}', flush=True)

    if not args.report_only:
        if not osp.isfile(osp.join(REPO, study.data_dir, 'train.txt')):
            print(f'error: no dataset in {study.data_dir}: run '
                  f'`{study.prepare}`', file=sys.stderr)
            return 1
        start = time.monotonic()
        say = lambda m: print(m, flush=True)  # noqa: E731
        try:
            if args.add_predictions:
                add_predictions(runs, REPO, say)
            else:
                execute(runs, REPO, say, args.max_runs, rewrite_report)
        except KeyboardInterrupt:
            print('interrupted: run the same command again to resume',
                  file=sys.stderr)
            return 130
        except (RunFailed, ValueError) as err:
            log = getattr(err, 'log', None)
            if log:
                with open(log) as f:
                    print(''.join(f.readlines()[-30:]), end='')
            print(f'error: {err} (run again to resume)', file=sys.stderr)
            return 1
        print(f'this invocation: {hhmm(time.monotonic() - start)} (hh:mm)')
    rewrite_report()
    return 0


if __name__ == '__main__':
    sys.exit(main())
