"""Clips per second of a config's two-view train pipeline against a stock
MMAction2 single-view pipeline, per worker process, side by side.

    python tools/analysis/benchmark_data.py CONFIG [--videos N] [--repeats R]
        [--ann-file FILE --data-prefix DIR] [--step-s S] [--breakdown]

Videos: --ann-file (VideoDataset "path label" lines, paths under
--data-prefix, default the file's folder), else the config's train
annotation when it exists, else N generated 250-frame 320x240 H.264 clips
(keyframe every 25..250 frames; see --size, --num-frames).
Workers needed = ceil(batch * per-sample s / step s), with the step time
given (--step-s, e.g. from gpu_benchmark.sh) or measured on CPU at
--step-batch and scaled linearly to the config's batch size.
The last line is a JSON object (two_view_samples_per_s,
single_view_samples_per_s, ratio, ...).
"""
import argparse
import datetime
import json
import os.path as osp
import platform
import tempfile

import cv2
import decord
import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmskd  # noqa: F401
from mmskd.benchmarks import data as db
from mmskd.engine.speed import tune_malloc
from mmskd.utils.progress import JobProgress


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config')
    parser.add_argument('--videos', type=int, default=None,
                        help='number of videos (default: 8 generated, or '
                        'every video of the annotation file)')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--ann-file', help='VideoDataset annotation file')
    parser.add_argument('--data-prefix', help='folder of its video paths')
    parser.add_argument('--num-frames', type=int, default=250,
                        help='frames of each generated video')
    parser.add_argument('--size', type=int, nargs=2, default=[320, 240],
                        metavar=('W', 'H'), help='of each generated video')
    parser.add_argument('--step-s', type=float, default=None,
                        help='training step time (s) at the config batch')
    parser.add_argument('--step-batch', type=int, default=2,
                        help='batch of the CPU step measurement')
    parser.add_argument('--breakdown', action='store_true',
                        help='also print milliseconds per pipeline step')
    parser.add_argument('--tune-malloc', action='store_true',
                        help='keep freed memory in the heap (see '
                        'docs/performance.md, "Speed switches")')
    return parser.parse_args(argv)


def find_videos(args, cfg, tmp_dir):
    """Paths to benchmark on, and where they came from."""
    if args.ann_file:
        prefix = args.data_prefix or osp.dirname(args.ann_file)
        videos, source = db.read_video_list(args.ann_file, prefix), 'ann'
    else:
        dataset = cfg.train_dataloader.dataset
        ann = dataset.get('ann_file', '')
        if ann and osp.isfile(ann):
            prefix = dataset.get('data_prefix', {}).get('video', '')
            videos, source = db.read_video_list(ann, prefix), 'config'
        else:
            videos = db.make_test_videos(tmp_dir, args.videos or 8,
                                         args.num_frames, tuple(args.size))
            source = 'generated'
    return videos[:args.videos] if args.videos else videos, source


def print_videos(videos, times):
    print('| video | frames | mean GOP | single ms | two-view ms | '
          'two-view flip-only ms | two-view float aug ms | ratio |')
    print('|---|---|---|---|---|---|---|---|')
    for v, path in enumerate(videos):
        reader = decord.VideoReader(path)
        gop = len(reader) / len(reader.get_key_indices())
        ms = {k: 1e3 * t[:, v].mean() for k, t in times.items()}
        print(f'| {osp.basename(path)} | {len(reader)} | {gop:.0f} | '
              f'{ms["single_view"]:.1f} | {ms["two_view"]:.1f} | '
              f'{ms["two_view_flip"]:.1f} | '
              f'{ms["two_view_float_aug"]:.1f} | '
              f'{ms["two_view"] / ms["single_view"]:.2f} |')


def step_time(args, cfg, two_view, video):
    """(step seconds at the config batch, how it was obtained)."""
    batch = cfg.train_dataloader.batch_size
    if args.step_s is not None:
        return args.step_s, 'given'
    sample = two_view(db.sample_dict(video))
    sec = db.measure_step_s(cfg.model, sample, args.step_batch)
    return sec * batch / args.step_batch, (
        f'CPU, measured at batch {args.step_batch}, scaled to {batch}')


def main(argv=None):
    args = parse_args(argv)
    if args.tune_malloc:
        tune_malloc()
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    print(f'{datetime.date.today()} {platform.machine()} '
          f'{platform.processor() or ""}, torch {torch.__version__}, '
          f'decord {decord.__version__}, pipelines in 1 thread (like a '
          f'DataLoader worker), malloc tuned: {args.tune_malloc}')
    configs = db.pipelines_from_config(cfg.train_dataloader.dataset.pipeline)
    pipelines = {name: Compose(p) for name, p in configs.items()}
    with tempfile.TemporaryDirectory() as tmp_dir:
        videos, source = find_videos(args, cfg, tmp_dir)
        # as in a DataLoader worker: one torch thread, OpenCV not threaded
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        cv2.setNumThreads(0)
        times = db.time_pipelines(
            pipelines, videos, args.repeats,
            lambda total: JobProgress(total, 'samples'))
        print_videos(videos, times)
        if args.breakdown:
            for name in ('single_view', 'two_view'):
                ms = db.step_breakdown(configs[name], videos)
                print(f'{name} ms/sample: ' + ', '.join(
                    f'{k} {v:.2f}' for k, v in ms.items()))
        torch.set_num_threads(threads)
        step_s, step_source = step_time(args, cfg, pipelines['two_view'],
                                        videos[0])
    result = db.summarize(times)
    batch = cfg.train_dataloader.batch_size
    result.update(
        workers_needed=db.workers_needed(batch, 1 / result[
            'two_view_samples_per_s'], step_s),
        batch_size=batch, step_s=step_s, step_source=step_source,
        videos=len(videos), video_source=source, repeats=args.repeats,
        malloc_tuned=args.tune_malloc,
        ratio_per_video_min_median_max=[round(float(np.percentile(
            times['two_view'].mean(0) / times['single_view'].mean(0), q)), 3)
            for q in (0, 50, 100)])
    print(f'two-view {result["two_view_samples_per_s"]:.1f} samples/s, '
          f'stock single view {result["single_view_samples_per_s"]:.1f} '
          f'samples/s, ratio {result["ratio"]:.2f} (flip-only two-view '
          f'{result["ratio_two_view_flip"]:.2f}, float32 aug path '
          f'{result["ratio_two_view_float_aug"]:.2f}); step {step_s:.3f} s '
          f'({step_source}) -> {result["workers_needed"]} workers')
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v
                      for k, v in result.items()}))
    return result


if __name__ == '__main__':
    main()
