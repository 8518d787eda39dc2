"""Release a finished run into the model zoo and print its metafile entry.

A tested run's work dir holds the test metrics of both protocols
(``test_video.json`` and ``test_clip.json`` from ``make demo``; a study
run's ``test_<tag>_video.json`` and ``test_<tag>_clip.json``, ``--tested
TAG``), each naming the checkpoint it measured. This publishes that
checkpoint with :func:`~mmskd.zoo.publish.publish_checkpoint`
(``OUT_DIR/<name>-<sha256[:8]>.pth``) and prints the ``Results`` / ``Weights``
of ``configs/skd_srl/metafile.yml`` and the row of the model-zoo README, so
the numbers there are copied from this command's output, never typed.
"""
import argparse
import json
import os.path as osp
import sys
from typing import Dict, List, Optional

from mmskd.zoo.publish import publish_checkpoint

# test_<protocol>.json written by `make demo` -> how the metafile names it.
PROTOCOLS = {
    'video': '10 clips x 1 centre crop, softmax averaged (video accuracy)',
    'clip': '1 centre clip x 1 centre crop (clip accuracy)',
}


def read_metrics(work_dir: str, tested: str = '') -> Dict[str, dict]:
    """``{protocol: metrics}`` from the work dir's ``test_<protocol>.json``
    (``test_<tested>_<protocol>.json`` with ``tested``).

    Raises:
        FileNotFoundError: A protocol's file is missing (names the file and
            the command that writes it).
    """
    metrics = {}
    for protocol in PROTOCOLS:
        tag = f'{tested}_' if tested else ''
        path = osp.join(work_dir, f'test_{tag}{protocol}.json')
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{path} not found: test the run first (make demo writes it; '
                f'or tools/test.py CONFIG {work_dir} --out-metrics {path})')
        with open(path) as f:
            metrics[protocol] = json.load(f)
    return metrics


def percent(value: float) -> float:
    """An accuracy in [0, 1] as the zoo's percentage with 2 decimals."""
    return round(100 * float(value), 2)


def tested_checkpoint(metrics: Dict[str, dict], work_dir: str) -> str:
    """The one checkpoint every protocol's metrics were measured on."""
    found = {m.get('checkpoint') for m in metrics.values()}
    if len(found) != 1 or None in found:
        raise ValueError(f'{work_dir}: the test metrics name different (or '
                         f'no) checkpoints: {sorted(map(str, found))}')
    path = found.pop()
    return path if osp.isabs(path) or osp.isfile(path) else osp.join(
        work_dir, osp.basename(path))


def zoo_entry(name: str, work_dir: str, out_dir: str,
              dataset: str = 'mmskd synthetic', tested: str = '') -> dict:
    """Publish the checkpoint ``work_dir``'s tests measured, as ``name``;
    return the entry.

    The entry holds ``Weights`` (the published file) and one ``Results``
    item per test protocol with Top 1 / Top 5 / Mean Class Accuracy.
    """
    metrics = read_metrics(work_dir, tested)
    weights = publish_checkpoint(tested_checkpoint(metrics, work_dir),
                                 osp.join(out_dir, f'{name}.pth'))
    results = [{
        'Dataset': dataset,
        'Task': 'Action Recognition',
        'Test Protocol': PROTOCOLS[protocol],
        'Metrics': {
            'Top 1 Accuracy': percent(m['acc/top1']),
            'Top 5 Accuracy': percent(m['acc/top5']),
            'Mean Class Accuracy': percent(m['acc/mean1']),
        }
    } for protocol, m in metrics.items()]
    return {'Name': name, 'Results': results, 'Weights': weights}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work_dir', help='a finished, tested run')
    parser.add_argument('--name', default='r18_synthetic_demo',
                        help='model name (= its config stem)')
    parser.add_argument('--out-dir', default='model_zoo',
                        help='where the release checkpoint goes')
    parser.add_argument('--dataset', default='mmskd synthetic',
                        help="the metafile's Dataset")
    parser.add_argument('--tested', default='',
                        help='read test_<TESTED>_<protocol>.json (a study '
                        "run's 'best' or 'last')")
    args = parser.parse_args(argv)
    try:
        entry = zoo_entry(args.name, args.work_dir, args.out_dir,
                          args.dataset, args.tested)
    except (FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(json.dumps(entry, indent=2))
    video = entry['Results'][0]['Metrics']
    clip = entry['Results'][1]['Metrics']
    print('README row cells: video top-1 / top-5 / mean-class '
          f"{video['Top 1 Accuracy']:.2f} / {video['Top 5 Accuracy']:.2f} / "
          f"{video['Mean Class Accuracy']:.2f}; clip top-1 "
          f"{clip['Top 1 Accuracy']:.2f}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
