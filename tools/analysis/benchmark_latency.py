"""Per-clip CPU inference latency: PyTorch eager vs ONNX Runtime.

    python tools/analysis/benchmark_latency.py [--repeats 30] [--threads N]

Batch 1, one clip of --shape (default 16x112x112), R3D-18 and R3D-50 with 101
classes (random weights). All four (model, runtime) pairs are measured in one
process, interleaved round by round, after --warmup rounds; prints median and
p90 milliseconds with FLOPs and parameters (MMEngine's FlopAnalyzer) as a
Markdown table, then one JSON line. Eager runs under torch.inference_mode
with torch.set_num_threads(N); ONNX Runtime with graph optimisation level ALL
and intra_op_num_threads N.
"""
import argparse
import json
import os
import platform
import tempfile

import onnxruntime as ort
import torch

import mmskd  # noqa: F401
from mmskd.deployment.latency import benchmark, build_r3d, markdown_table
from mmskd.utils.progress import JobProgress


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repeats', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument(
        '--threads',
        type=int,
        default=os.cpu_count(),
        help='threads for both runtimes (default: all cores)')
    parser.add_argument(
        '--shape',
        type=int,
        nargs=3,
        default=[16, 112, 112],
        metavar=('T', 'H', 'W'))
    parser.add_argument(
        '--depths',
        type=int,
        nargs='+',
        default=[18, 50],
        choices=[18, 34, 50, 101, 152])
    parser.add_argument('--num-classes', type=int, default=101)
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    torch.manual_seed(0)
    nets = {f'R3D-{d}': build_r3d(d, args.num_classes) for d in args.depths}
    with tempfile.TemporaryDirectory() as workdir:
        rows = benchmark(nets, args.shape, workdir, args.repeats, args.warmup,
                         args.threads,
                         lambda total: JobProgress(total, 'rounds'))
    print(f'machine: {platform.machine()}, {os.cpu_count()} cores, '
          f'{args.threads} threads; torch {torch.__version__}, onnxruntime '
          f'{ort.__version__}; batch 1, clip {"x".join(map(str, args.shape))}'
          f', {args.repeats} interleaved rounds after {args.warmup} warm-up')
    print(markdown_table(rows))
    summary = dict(
        shape=args.shape,
        threads=args.threads,
        repeats=args.repeats,
        rows=[{
            k: round(v, 3) if isinstance(v, float) else v
            for k, v in r.items()
        } for r in rows])
    print(json.dumps(summary))
    return summary


if __name__ == '__main__':
    main()
