"""Generate the synthetic action-recognition dataset (the embedded default).

Example::

    python tools/data/synthetic/generate.py data/synthetic --seed 0

writes ``videos/<class>/*.mp4``, ``train.txt``, ``val.txt``, ``test.txt``,
``classes.txt``, ``videos.csv`` and ``meta.json`` under OUT_DIR. Running it
again with the same options does nothing; see docs/synthetic_dataset.md.
"""
import argparse
import sys

from mmskd.datasets.synthetic import (CLASSES, SyntheticConfig,
                                      generate_dataset)
from mmskd.utils.progress import JobProgress

DEFAULTS = SyntheticConfig()


def _classes(text):
    return tuple(name.strip() for name in text.split(',') if name.strip())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    add = parser.add_argument
    add('out_dir', help='dataset folder to create')
    add('--seed', type=int, default=DEFAULTS.seed)
    add('--videos-per-class', type=int, default=DEFAULTS.videos_per_class)
    add('--actors', type=int, default=DEFAULTS.actors,
        help='appearance identities, dealt ~70/15/15 to train/val/test')
    add('--held-out', type=float, nargs=2, metavar=('VAL', 'TEST'),
        default=DEFAULTS.held_out,
        help='fractions of the actors dealt to val and to test')
    add('--classes', type=_classes, default=DEFAULTS.classes,
        help=f"comma-separated subset of {','.join(CLASSES)}")
    add('--frames', type=int, nargs=2, metavar=('MIN', 'MAX'),
        default=DEFAULTS.frames, help='frames per video')
    add('--size', type=int, nargs=2, metavar=('MIN', 'MAX'),
        default=DEFAULTS.size, help='height/width range, even pixels')
    add('--fps', type=int, default=DEFAULTS.fps)
    add('--crf', type=int, default=DEFAULTS.crf, help='x264 quality')
    add('--noise', type=float, default=DEFAULTS.noise,
        help='mean pixel noise std (0-255 levels)')
    add('--distractors', type=int, nargs=2, metavar=('MIN', 'MAX'),
        default=DEFAULTS.distractors)
    add('--object-size', type=float, nargs=2, metavar=('MIN', 'MAX'),
        default=DEFAULTS.object_size, help='radius / short side')
    add('--speed', type=float, nargs=2, metavar=('MIN', 'MAX'),
        default=DEFAULTS.speed, help='motion tempo multiplier')
    add('--jitter', type=float, default=DEFAULTS.jitter,
        help='camera shake std in pixels')
    add('--workers', type=int, default=2, help='processes')
    add('--force', action='store_true', help='regenerate even if OUT_DIR '
        'holds this dataset, and replace whatever OUT_DIR holds')
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    options = {key: getattr(args, key) for key in vars(DEFAULTS)}
    try:
        cfg = SyntheticConfig(**options)
        result = generate_dataset(
            args.out_dir, cfg, workers=args.workers, force=args.force,
            progress=lambda total: JobProgress(total, 'videos'))
    except (ValueError, FileExistsError) as err:
        parser.error(str(err))
    counts = result['meta']['counts']
    if result['status'] == 'exists':
        print(f"{result['out_dir']} already holds this dataset "
              f'({counts["total"]} videos); nothing to do (--force '
              'regenerates)')
    else:
        print(f"wrote {counts['total']} videos (train {counts['train']}, val "
              f"{counts['val']}, test {counts['test']}) to "
              f"{result['out_dir']} in {result['seconds']:.1f}s")
    return 0


if __name__ == '__main__':
    sys.exit(main())
