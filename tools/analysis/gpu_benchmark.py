"""Training-step clips/s and peak memory: plain Recognizer3D on C clips vs
SKDSRLRecognizer3D on C/2 videos x 2 views (both view modes), R3D-18,
in fp32 / AMP fp16 / AMP bf16, with and without channels_last_3d.
Synthetic in-memory inputs: no data loading.

    bash tools/analysis/gpu_benchmark.sh            # one GPU, under 5 min
    bash tools/analysis/gpu_benchmark.sh --device cpu --quick   # smoke test

AMP is the step ``AmpOptimWrapper(dtype=...)`` runs: ``torch.autocast``
with a dynamic GradScaler for fp16 and none for bf16. Each configuration
gets its own copy of the model; configurations run in a fixed order, then
again in reverse (--rounds), and each row is the median of all rounds'
timed steps.
Prints a Markdown table, then one JSON line.
"""
import argparse
import contextlib
import copy
import json
import platform
import statistics
import time

import torch
from mmaction.structures import ActionDataSample
from mmengine.registry import init_default_scope

import mmskd  # noqa: F401  (its compat fixes let bf16 scores reach heads)
from mmskd.benchmarks.step import build_pair
from mmskd.engine.speed import AMP_DTYPES, enable_channels_last_3d

MODELS = ('plain', 'skd_batched', 'skd_separate')
FORMATS = ('contiguous', 'channels_last')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--quick', action='store_true',
                        help='tiny sizes, one round, one timed step')
    parser.add_argument('--clips', type=int, default=32,
                        help='clips per step (SKD-SRL: clips/2 videos)')
    parser.add_argument('--clip', type=int, nargs=3, default=[16, 112, 112],
                        metavar=('T', 'H', 'W'))
    parser.add_argument('--depth', type=int, default=18, choices=[18, 50])
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=10)
    parser.add_argument('--rounds', type=int, default=2,
                        help='passes over the configs, alternately in '
                        'reverse order')
    parser.add_argument('--models', nargs='+', default=MODELS,
                        choices=MODELS)
    parser.add_argument('--precisions', nargs='+', default=None,
                        choices=list(AMP_DTYPES),
                        help='default: all on cuda, fp32 on cpu (CPU autocast '
                        'bf16 crashed R3D-18 steps in torch 2.13 here)')
    parser.add_argument('--formats', nargs='+', default=FORMATS,
                        choices=FORMATS)
    parser.add_argument('--cudnn-benchmark', type=int, default=1,
                        choices=[0, 1])
    parser.add_argument('--compile', action='store_true',
                        help='torch.compile each model.loss (slow start)')
    args = parser.parse_args(argv)
    if args.quick:
        args.clips, args.clip, args.warmup, args.repeats = 4, [2, 16, 16], 1, 1
        args.rounds = 1
    if args.precisions is None:
        args.precisions = (list(AMP_DTYPES)
                           if args.device.startswith('cuda') else ['fp32'])
    return args


def make_step(model, inputs, labels, precision, device, compile_=False):
    """One SGD step as AmpOptimWrapper / OptimWrapper runs it."""
    model.train()
    optim = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    scaler = torch.amp.GradScaler(device.type, enabled=precision == 'fp16')
    dtype = AMP_DTYPES[precision]
    samples = [ActionDataSample().set_gt_labels(y) for y in labels]
    loss_fn = torch.compile(model.loss) if compile_ else model.loss

    def step():
        optim.zero_grad(set_to_none=True)
        with (torch.autocast(device.type, dtype=dtype) if dtype else
              contextlib.nullcontext()):
            losses = loss_fn(inputs, samples)
        loss, _ = model.parse_losses(losses)
        scaler.scale(loss).backward()
        scaler.step(optim)
        scaler.update()
        if device.type == 'cuda':
            torch.cuda.synchronize(device)

    return step


def run_config(base, name, precision, fmt, args, device):
    """(seconds of each timed step, peak bytes or None) of one config."""
    t, h, w = args.clip
    videos = args.clips if name == 'plain' else args.clips // 2
    views = 1 if name == 'plain' else 2
    inputs = torch.randn(videos, views, 3, t, h, w, device=device)
    model = copy.deepcopy(base).to(device)
    if fmt == 'channels_last':
        enable_channels_last_3d(model)
    step = make_step(model, inputs, [i % 101 for i in range(videos)],
                     precision, device, args.compile)
    for _ in range(args.warmup):
        step()
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    peak = (torch.cuda.max_memory_allocated(device)
            if device.type == 'cuda' else None)
    del model, step, inputs
    if device.type == 'cuda':
        torch.cuda.empty_cache()
    return times, peak


def benchmark(args):
    device = torch.device(args.device)
    torch.backends.cudnn.benchmark = bool(args.cudnn_benchmark)
    pair = {mode: build_pair(args.depth, view_forward=mode)
            for mode in ('batched', 'separate')}
    bases = dict(plain=pair['batched']['plain'],
                 skd_batched=pair['batched']['skd'],
                 skd_separate=pair['separate']['skd'])
    configs = [(m, p, f) for p in args.precisions for f in args.formats
               for m in args.models]
    rounds = [configs if r % 2 == 0 else configs[::-1]
              for r in range(args.rounds)]
    times = {c: [] for c in configs}
    peak = {}
    for order in rounds:
        for cfg in order:
            t, mem = run_config(bases[cfg[0]], *cfg, args, device)
            times[cfg] += t
            peak[cfg] = max(peak.get(cfg) or 0, mem or 0) or None
    return [row(c, statistics.median(times[c]), peak[c], args)
            for c in configs]


def row(cfg, step_s, peak, args):
    name, precision, fmt = cfg
    return dict(model=name, precision=precision, format=fmt,
                step_ms=1e3 * step_s, clips_per_s=args.clips / step_s,
                peak_gib=None if peak is None else peak / 2**30)


def add_ratios(rows):
    """Speed-up over fp32 contiguous (same model); step time vs plain."""
    by = {(r['model'], r['precision'], r['format']): r for r in rows}
    for r in rows:
        ref = by.get((r['model'], 'fp32', 'contiguous'))
        plain = by.get(('plain', r['precision'], r['format']))
        r['speedup'] = ref['step_ms'] / r['step_ms'] if ref else None
        r['vs_plain'] = r['step_ms'] / plain['step_ms'] if plain else None
    return rows


def print_table(rows):
    def fmt(v, spec):
        return '-' if v is None else format(v, spec)

    print('| model | precision | memory format | step ms | clips/s | '
          'peak GiB | speed-up vs fp32 | step / plain |')
    print('|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f'| {r["model"]} | {r["precision"]} | {r["format"]} | '
              f'{r["step_ms"]:.1f} | {r["clips_per_s"]:.1f} | '
              f'{fmt(r["peak_gib"], ".2f")} | {fmt(r["speedup"], ".2f")} | '
              f'{fmt(r["vs_plain"], ".2f")} |')


def main(argv=None):
    args = parse_args(argv)
    init_default_scope('mmaction')
    device = torch.device(args.device)
    name = (torch.cuda.get_device_name(device) if device.type == 'cuda'
            else platform.processor() or platform.machine())
    print(f'{name}, torch {torch.__version__}, {args.clips} clips of '
          f'{"x".join(map(str, args.clip))}, R3D-{args.depth}, cudnn.benchmark'
          f'={args.cudnn_benchmark}, compile={args.compile}')
    rows = add_ratios(benchmark(args))
    print_table(rows)
    print(json.dumps(dict(
        device=name, torch=torch.__version__, clips=args.clips,
        clip=args.clip, depth=args.depth, compile=args.compile,
        cudnn_benchmark=args.cudnn_benchmark, rows=[
            {k: round(v, 4) if isinstance(v, float) else v
             for k, v in r.items()} for r in rows])))
    return rows


if __name__ == '__main__':
    main()
