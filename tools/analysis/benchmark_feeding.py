"""Loader -> training step, end to end: is the device kept busy?

    python tools/analysis/benchmark_feeding.py [--device cuda]
        [--workers 2 4 8 16] [--iterations 30] [--videos 48]
        [--sets original resized] [--rows baseline skd_srl skd_srl_device]
        [--precisions fp32 fp16cl] [--cfg-options k=v ...] [--json out]

Generates --videos H.264 videos of 320x240 (250 frames, keyframes every
25-250 frames) and, for the ``resized`` set, the same videos at short side
128 (tools/data/resize_videos.py's encoder). For every video set, row,
precision and worker count it builds the row's config's real train loader
and training step (R3D-18, 16x112x112, 32 videos per step: the UCF101
configs) and prints the device's busy fraction (step time / iteration
time) and clips per second. Rows: ``baseline`` (one clip, crop only),
``skd_srl`` (two views, augmentation in the loader workers),
``skd_srl_device`` (two views, augmentation on the device:
configs/skd_srl/r18_ucf101_device_aug.py). Precisions: ``fp32``, ``fp16cl``
(AMP fp16 + channels_last_3d). Progress with rate and ETA on stderr; one
JSON line per measurement on stdout after the table.
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile

from mmengine.config import Config, DictAction

from mmskd.benchmarks.data import make_test_videos
from mmskd.benchmarks.feeding import feed
from mmskd.datasets.preparation import resize_tree
from mmskd.utils.io import write_text_atomic
from mmskd.utils.progress import JobProgress

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = dict(baseline='configs/baselines/r18_ucf101.py',
            skd_srl='configs/skd_srl/r18_ucf101.py',
            skd_srl_device='configs/skd_srl/r18_ucf101_device_aug.py')
PRECISIONS = dict(fp32=(False, False), fp16cl=(True, True))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--workers', type=int, nargs='+',
                        default=[2, 4, 8, 16])
    parser.add_argument('--iterations', type=int, default=30)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--videos', type=int, default=48,
                        help='generated videos (the list repeats them)')
    parser.add_argument('--frames', type=int, default=250)
    parser.add_argument('--sets', nargs='+', default=['original', 'resized'],
                        choices=['original', 'resized'])
    parser.add_argument('--rows', nargs='+', default=list(ROWS),
                        choices=list(ROWS))
    parser.add_argument('--precisions', nargs='+', default=list(PRECISIONS),
                        choices=list(PRECISIONS))
    parser.add_argument('--work', help='folder for the videos (default: a '
                        'temporary one); reused when it holds them')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='applied to every row, e.g. a tiny model')
    parser.add_argument('--json', help='also write the results here')
    return parser.parse_args(argv)


def video_sets(args, work: str) -> dict:
    """``{set name: (annotation file, data prefix)}``, made if missing."""
    original = osp.join(work, 'original')
    if not osp.isdir(original):
        os.makedirs(original)
        make_test_videos(original, args.videos, args.frames)
    names = sorted(n for n in os.listdir(original) if n.endswith('.mp4'))
    sets = {}
    for name in args.sets:
        folder = original if name == 'original' else osp.join(work, name)
        if name == 'resized':
            resize_tree(original, folder, short_side=128, workers=2)
        # enough entries for every measured iteration of every worker
        lines = [f'{names[i % len(names)]} {i % 101}' for i in range(
            32 * (args.iterations + args.warmup + 2))]
        ann = osp.join(work, f'{name}.txt')
        write_text_atomic(ann, '\n'.join(lines) + '\n')
        sets[name] = (ann, folder)
    return sets


def row_config(row: str, ann: str, prefix: str, options) -> Config:
    cfg = Config.fromfile(osp.join(REPO, ROWS[row]))
    cfg.train_dataloader.dataset.update(ann_file=ann,
                                        data_prefix=dict(video=prefix))
    if options:
        cfg.merge_from_dict(options)
    return cfg


def main(argv=None) -> int:
    args = parse_args(argv)
    work = args.work or tempfile.mkdtemp(prefix='mmskd_feeding_')
    sets = video_sets(args, work)
    plan = [(s, r, p, w) for s in sets for r in args.rows
            for p in args.precisions for w in args.workers]
    results = []
    with JobProgress(len(plan), 'measurements') as progress:
        for set_name, row, precision, workers in plan:
            amp, channels_last = PRECISIONS[precision]
            cfg = row_config(row, *sets[set_name], args.cfg_options)
            result = feed(cfg, workers, args.iterations, args.warmup,
                          args.device, amp, channels_last,
                          name=f'{row} {precision} {set_name}')
            results.append(dict(result.summary(), set=set_name, row=row,
                                precision=precision))
            progress.advance()
    print(f'{"row":<16}{"precision":<10}{"videos":<10}{"workers":>8}'
          f'{"busy":>8}{"clips/s":>10}{"step ms":>9}{"wait ms":>9}')
    for r in results:
        print(f'{r["row"]:<16}{r["precision"]:<10}{r["set"]:<10}'
              f'{r["workers"]:>8}{100 * r["busy"]:>7.1f}%'
              f'{r["clips_per_s"]:>10.1f}{r["step_ms"]:>9.1f}'
              f'{r["wait_ms"]:>9.1f}')
    for r in results:
        print(json.dumps(r))
    if args.json:
        write_text_atomic(args.json, json.dumps(results, indent=2) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
