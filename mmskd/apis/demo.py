"""``make demo``: train on the embedded dataset with ``tools/train.py``, test
the final checkpoint with ``tools/test.py`` (video and clip accuracy), draw
the training curves and print a short summary. Each stage is the ordinary
tool in a subprocess, so the demo exercises exactly what a user runs.

A finished demo (its ``summary.json``, written last, made with the same
config file) is reused: its summary is printed again and nothing is
retrained. ``--force`` (``make demo FORCE=1``) deletes it and trains anew.
"""
import argparse
import hashlib
import json
import os.path as osp
import shutil
import subprocess
import sys
import time
from typing import List, Optional

from mmskd.utils.io import write_json_atomic

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PROTOCOLS = (('video accuracy (10 clips, centre)', 'video', 10),
             ('clip accuracy (1 clip, centre)', 'clip', 1))


def _run(cmd: List[str]) -> None:
    print('+ ' + ' '.join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO)


def _test(config: str, work_dir: str, checkpoint: str, protocol: str,
          num_clips: int) -> dict:
    out = osp.join(work_dir, f'test_{protocol}.json')
    # Its own log dir: the runner dumps its config there, and the training
    # config in work_dir must stay the one that was trained.
    _run([
        sys.executable, 'tools/test.py', config, checkpoint, '--work-dir',
        osp.join(work_dir, 'test_logs', protocol), '--num-clips',
        str(num_clips), '--out-metrics', out
    ])
    with open(osp.join(REPO, out)) as f:
        return json.load(f)


def config_digest(config: str) -> str:
    """sha256 of the config file (a changed config means a new demo)."""
    with open(osp.join(REPO, config), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def format_summary(summary: dict) -> str:
    """The demo's closing lines: one row per test protocol, then how the
    training ended, the wall time and where things are."""
    lines = ['', '=' * 72, 'mmskd demo summary (held-out test split)',
             f'{"protocol":<34}{"top-1":>9}{"top-5":>9}{"mean-class":>12}']
    for name, m in summary['results'].items():
        lines.append(f'{name:<34}{100 * m["acc/top1"]:>8.1f}%'
                     f'{100 * m["acc/top5"]:>8.1f}%'
                     f'{100 * m["acc/mean1"]:>11.1f}%')
    train = summary['training']
    lines += [f'training: {train["epochs"]} epochs, last-epoch train '
              f'accuracy {100 * train["train_top1"]:.1f}%, final lr '
              f'{train["lr"]:.1e} (annealed)',
              f'wall time: {summary["wall_s"] / 60:.1f} min',
              f'checkpoint: {summary["checkpoint"]}',
              f'curves: {summary["curves"]}',
              f'logs: {summary["work_dir"]}/<timestamp>/ (and '
              'vis_data/scalars.json)', '=' * 72]
    return '\n'.join(lines)


def finished(work_dir: str, config: str) -> Optional[dict]:
    """The summary of a finished demo made with this config, else None."""
    path = osp.join(REPO, work_dir, 'summary.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        summary = json.load(f)
    return summary if summary.get('config_sha256') == config_digest(
        config) else None


def train_and_test(args: argparse.Namespace) -> dict:
    from mmskd.utils.scalars import epoch_log
    from mmskd.visualization.curves import plot_curves
    start = time.time()
    shutil.rmtree(osp.join(REPO, args.work_dir), ignore_errors=True)
    _run([sys.executable, 'tools/train.py', args.config,
          '--work-dir', args.work_dir])
    log = epoch_log(osp.join(REPO, args.work_dir))
    # the finished model: the last epoch's checkpoint, after annealing
    checkpoint = osp.join(args.work_dir, f'epoch_{log[-1]["epoch"]}.pth')
    results = {name: _test(args.config, args.work_dir, checkpoint, key, n)
               for name, key, n in PROTOCOLS}
    curves = osp.join(args.work_dir, 'curves.png')
    plot_curves([osp.join(REPO, args.work_dir)], osp.join(REPO, curves),
                osp.join(REPO, args.work_dir, 'curves.csv'))
    summary = dict(
        results=results, checkpoint=checkpoint, curves=curves,
        work_dir=args.work_dir, wall_s=time.time() - start,
        training=dict(epochs=log[-1]['epoch'],
                      train_top1=log[-1]['train_top1'], lr=log[-1]['lr']),
        config=args.config, config_sha256=config_digest(args.config))
    write_json_atomic(osp.join(REPO, args.work_dir, 'summary.json'), summary)
    return summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--config', required=True)
    parser.add_argument('--work-dir', required=True)
    parser.add_argument('--data-dir', required=True)
    parser.add_argument('--force', action='store_true',
                        help='retrain even if a finished demo is there')
    args = parser.parse_args(argv)
    if not osp.isfile(osp.join(REPO, args.data_dir, 'train.txt')):
        sys.exit(f'error: no dataset in {args.data_dir}: run `make data`')
    summary = None if args.force else finished(args.work_dir, args.config)
    if summary is not None:
        print(f'{args.work_dir} holds a finished demo of {args.config}: '
              'its summary follows (make demo FORCE=1 trains anew)')
    else:
        summary = train_and_test(args)
    print(format_summary(summary))


if __name__ == '__main__':
    main()
