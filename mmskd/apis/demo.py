"""``make demo``: train on the embedded dataset with ``tools/train.py``, test
the best checkpoint with ``tools/test.py`` (video and clip accuracy) and
print a short summary. Each stage is the ordinary tool in a subprocess, so
the demo exercises exactly what a user runs.
"""
import argparse
import json
import os.path as osp
import shutil
import subprocess
import sys
import time
from typing import List

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _run(cmd: List[str]) -> None:
    print('+ ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)


def _test(args, protocol: str, num_clips: int) -> dict:
    out = osp.join(args.work_dir, f'test_{protocol}.json')
    # Its own log dir: the runner dumps its config there, and the training
    # config in work_dir must stay the one that was trained.
    _run([
        sys.executable, 'tools/test.py', args.config, args.work_dir,
        '--work-dir', osp.join(args.work_dir, 'test_logs', protocol),
        '--num-clips', str(num_clips), '--out-metrics', out
    ])
    with open(osp.join(REPO, out)) as f:
        return json.load(f)


def format_summary(results: dict, wall_s: float, work_dir: str) -> str:
    """The demo's closing lines (one row per test protocol)."""
    lines = ['', '=' * 72, 'mmskd demo summary (held-out test split)',
             f'{"protocol":<34}{"top-1":>9}{"top-5":>9}{"mean-class":>12}']
    for name, m in results.items():
        lines.append(f'{name:<34}{100 * m["acc/top1"]:>8.1f}%'
                     f'{100 * m["acc/top5"]:>8.1f}%'
                     f'{100 * m["acc/mean1"]:>11.1f}%')
    ckpt = next(iter(results.values()))['checkpoint']
    lines += [f'wall time: {wall_s / 60:.1f} min',
              f'checkpoint: {ckpt}',
              f'logs: {work_dir}/<timestamp>/ (and vis_data/scalars.json)',
              '=' * 72]
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--data-dir', required=True)
    args = parser.parse_args(argv)
    if not osp.isfile(osp.join(REPO, args.data_dir, 'train.txt')):
        sys.exit(f'error: no dataset in {args.data_dir}: run `make data`')
    start = time.time()
    # A fresh run each time: an old best_*.pth must not be tested instead.
    shutil.rmtree(osp.join(REPO, args.work_dir), ignore_errors=True)
    _run([sys.executable, 'tools/train.py', args.config,
          '--work-dir', args.work_dir])
    results = {
        'video accuracy (10 clips, centre)': _test(args, 'video', 10),
        'clip accuracy (1 clip, centre)': _test(args, 'clip', 1),
    }
    print(format_summary(results, time.time() - start, args.work_dir))


if __name__ == '__main__':
    main()
