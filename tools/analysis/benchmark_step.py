"""Time one SKD-SRL training step on N videos against one plain Recognizer3D
step on 2N clips of the same shape, side by side in one process.

    python tools/analysis/benchmark_step.py [--n 4] [--repeats 3]
        [--device cpu]

Prints one line per input size and, last, a JSON object for the default
R3D-18 input (16x112x112): skd_step_s, plain_2n_step_s, ratio (batched mode),
and the separate-mode figures beside them.
"""
import argparse
import json
import platform

import torch

import mmskd  # noqa: F401
from mmskd.benchmarks.step import compare_step
from mmskd.utils.progress import JobProgress


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--n', type=int, default=4, help='videos per step')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--depth', type=int, default=18, choices=[18, 50])
    args = parser.parse_args()
    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{torch.get_num_threads()} threads, torch {torch.__version__}, '
          f'device {args.device}')
    results = {}
    for name, clip in (('small 8x56x56', (8, 56, 56)),
                       ('default 16x112x112', (16, 112, 112))):
        r = compare_step(args.n, clip, args.repeats, args.depth, args.device,
                         lambda total: JobProgress(total, f'{name} rounds'))
        results[name] = r
        print(f'{name:20s} N={args.n}: SKD-SRL batched {r["skd_step_s"]:.3f}s'
              f', separate {r["skd_separate_step_s"]:.3f}s, plain 2N '
              f'{r["plain_2n_step_s"]:.3f}s -> ratio batched '
              f'{r["ratio"]:.3f}, separate {r["ratio_separate"]:.3f}')
    final = dict(results['default 16x112x112'], n=args.n,
                 device=args.device, depth=args.depth)
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v
                      for k, v in final.items()}))


if __name__ == '__main__':
    main()
