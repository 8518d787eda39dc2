"""Clips per second per worker of decord, PyAV and torchcodec (CPU).

    python tools/analysis/benchmark_decoders.py [--ann-file LIST
        --data-prefix DIR] [--clips 60] [--clip-len 16]
        [--backends decord pyav torchcodec] [--videos 12]

Without --ann-file it generates --videos H.264 videos of 320x240 (250
frames, keyframes every 25-250 frames) and also measures them re-encoded to
short side 128 (tools/data/resize_videos.py), the first thing to do for
fast loading. Each backend decodes the same random 16-frame clips,
single-threaded (one loader worker), in rotating order; the table gives
clips/s, the median ms per clip and how many pixels equal decord's (the
configs' reader). Backends that do not import here are skipped and named.
"""
import argparse
import json
import os
import os.path as osp
import sys
import tempfile

from mmskd.benchmarks.data import make_test_videos, read_video_list
from mmskd.benchmarks.decoders import BACKENDS, available, compare
from mmskd.datasets.preparation import resize_tree


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('--ann-file', help='a VideoDataset list')
    parser.add_argument('--data-prefix', default='')
    parser.add_argument('--clips', type=int, default=60)
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--videos', type=int, default=12)
    parser.add_argument('--backends', nargs='+', default=list(BACKENDS),
                        choices=list(BACKENDS))
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    backends = available(args.backends)
    skipped = sorted(set(args.backends) - set(backends))
    if skipped:
        print(f'skipped (does not import here): {", ".join(skipped)}',
              file=sys.stderr)
    if args.ann_file:
        sets = {osp.basename(args.ann_file):
                read_video_list(args.ann_file, args.data_prefix)}
    else:
        work = tempfile.mkdtemp(prefix='mmskd_decoders_')
        original = osp.join(work, 'original')
        os.makedirs(original)
        sets = {'generated 320x240': make_test_videos(original, args.videos)}
        resize_tree(original, osp.join(work, 'resized'), short_side=128,
                    workers=1)
        sets['same, short side 128'] = sorted(
            osp.join(work, 'resized', n)
            for n in os.listdir(osp.join(work, 'resized')))
    print(f'{"videos":<24}{"backend":<12}{"clips/s":>9}{"ms/clip":>9}'
          f'{"= decord":>10}{"max diff":>10}')
    rows = []
    for name, videos in sets.items():
        for backend, r in compare(videos, backends, args.clips,
                                  args.clip_len,
                                  desc=f'clips of {name}').items():
            print(f'{name:<24}{backend:<12}{r["clips_per_s"]:>9.1f}'
                  f'{r["ms_per_clip"]:>9.1f}'
                  f'{100 * r["identical_fraction"]:>9.1f}%'
                  f'{r["max_abs_diff"]:>10}')
            rows.append(dict(r, videos=name, backend=backend))
    for row in rows:
        print(json.dumps(row))
    return 0


if __name__ == '__main__':
    sys.exit(main())
