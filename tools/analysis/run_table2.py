"""Table II measured (``make table2``): train and test every row with every
seed, then write the results file.

    python tools/analysis/run_table2.py [--seeds 0 1 2] [--rows ROW ...]
        [--epochs 12] [--out docs/studies/table2_under_trained.md]
        [--work-root work_dirs/table2]
        [--data-dir DIR] [--budget-hours 2] [--dry-run] [--smoke]

Trains the KD row's R3D-50 teacher once, then each row with each seed
(tools/train.py --seed S, work dir <work-root>/<row>/seed<S>) and tests it
twice with tools/test.py (10 clips: video protocol; 1 clip: clip protocol),
all as subprocesses. Interrupted, it goes on where it stopped: runs with both
test JSONs are skipped, runs with checkpoints are resumed. Relative paths are
relative to the repository root. See docs/table2.md, "Running the measured
ablation".
"""
import argparse
import os
import os.path as osp
import platform
import shlex
import subprocess
import sys
import time
from typing import List, Optional

from mmskd.studies.results_table import results_tables
from mmskd.studies.table2_eta import budget_split, hhmm, prior_s
from mmskd.studies.table2_exec import RunFailed, execute, read_times
from mmskd.studies.table2_report import row_stats, write_results
from mmskd.studies.table2_runner import (ROWS, TEACHER, Run, build_plan,
                                         command, epochs_done, stages_left)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--rows', nargs='+', choices=ROWS, default=ROWS)
    parser.add_argument('--epochs', type=int, default=12,
                        help='train_cfg.max_epochs of every run (default 12: '
                        'about 2 h for 19 runs on 2 cores)')
    parser.add_argument('--out',
                        default='docs/studies/table2_under_trained.md')
    parser.add_argument('--work-root', default='work_dirs/table2')
    parser.add_argument('--data-dir', help='dataset (default: the configs\' '
                        'data/synthetic)')
    parser.add_argument('--budget-hours', type=float, default=2.0)
    parser.add_argument('--dry-run', action='store_true',
                        help='print the runs, commands and time; run nothing')
    parser.add_argument('--smoke', action='store_true', help='tests: 1 '
                        'epoch, batch 2, no DataLoader workers')
    return parser.parse_args(argv)


def describe_plan(plan: List[Run], budget_s: float) -> str:
    """Each run's remaining stages, their commands and the prior time."""
    lines, total = [], 0.0
    for k, run in enumerate(plan, 1):
        stages = stages_left(run, REPO)
        total += prior_s(run, stages, epochs_done(run, REPO))
        state = ', '.join(stages) if stages else 'done, skipped'
        lines.append(f'[{k}/{len(plan)}] {run.name}: {state}')
        lines += ['    ' + shlex.join(command(run, s)) for s in stages]
    split = budget_split(plan)
    epochs = plan[0].epochs if plan else 0
    lines.append(
        f'estimated {hhmm(total)} (hh:mm) left for {len(plan)} runs at '
        f'{epochs} epochs ({hhmm(split["per_epoch"])} per epoch of all runs '
        f'+ {hhmm(split["fixed"])} start-ups and tests), by prior per-epoch '
        f'times; rescaled by measurement once running. Budget '
        f'{hhmm(budget_s)}.')
    return '\n'.join(lines)


def machine() -> str:
    """CPU model (lscpu), CPU count, torch version and GPU, if any."""
    try:
        out = subprocess.run(['lscpu'], capture_output=True, text=True).stdout
    except OSError:
        out = ''
    model = next((ln.split(':', 1)[1].strip() for ln in out.splitlines()
                  if ln.startswith('Model name')), platform.processor())
    import torch
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() \
        else 'no GPU used'
    return (f'{model or "unknown CPU"}, {os.cpu_count()} logical CPUs '
            f'({len(os.sched_getaffinity(0))} usable), torch '
            f'{torch.__version__}, {gpu}')


def write_report(args: argparse.Namespace, argv: List[str],
                 plan: List[Run], wall_s: float) -> None:
    """The tables, the facts of this invocation and the discussion."""
    rows = [r for r in ROWS if r in args.rows]
    root = osp.join(REPO, args.work_root)
    dirs = ([TEACHER] if 'kd_r50' in rows else []) + rows
    recorded = sum(sum(read_times(osp.join(REPO, r.work_dir)).values())
                   for r in plan)
    facts = [
        '- Command: `' + shlex.join(['python', 'tools/analysis/'
                                     'run_table2.py', *argv]) + '`',
        f'- Machine: {machine()}',
        f'- Wall time: {wall_s / 60:.1f} min for the last invocation; '
        f'{recorded / 60:.1f} min summed over the recorded train and test '
        'stages of all runs (every invocation, resumed ones included)',
        f'- Runs: {len(plan)}, {plan[0].epochs if plan else 0} epochs each '
        '(configs/_base_/schedules/demo_cpu.py with train_cfg.max_epochs), '
        f'seeds {" ".join(map(str, args.seeds))}; work dirs '
        f'`{args.work_root}/<row>/seed<S>`' +
        (f', the KD teacher in `{args.work_root}/{TEACHER}`'
         if 'kd_r50' in rows else '')]
    write_results(osp.join(REPO, args.out),
                  results_tables([osp.join(root, d) for d in dirs]), facts,
                  row_stats(root, rows))


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    plan = build_plan(args.rows, args.seeds, args.epochs, args.work_root,
                      args.data_dir, args.smoke)
    budget_s = args.budget_hours * 3600
    if args.dry_run:
        print(describe_plan(plan, budget_s))
        return 0
    data = args.data_dir or 'data/synthetic'
    if not osp.isfile(osp.join(REPO, data, 'train.txt')):
        print(f'error: no dataset in {data}: run `make data`', file=sys.stderr)
        return 1
    start = time.monotonic()
    try:
        execute(plan, REPO, lambda msg: print(msg, flush=True), budget_s)
    except KeyboardInterrupt:
        print('interrupted: run the same command again to resume',
              file=sys.stderr)
        return 130
    except RunFailed as err:
        with open(err.log) as f:
            tail = ''.join(f.readlines()[-30:])
        print(f'{tail}error: {err} (run again to resume)', file=sys.stderr)
        return 1
    write_report(args, argv, plan, time.monotonic() - start)
    print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
