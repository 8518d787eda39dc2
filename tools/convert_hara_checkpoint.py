"""Convert a checkpoint of Hara et al.'s 3D ResNets for mmskd / MMAction2.

    python tools/convert_hara_checkpoint.py SRC DST --depth {18,50}
        [--num-classes N] [--unsafe-load]

SRC is one of Hara's published ``.pth`` files (``{'state_dict': ...}`` or a
bare state dict; ``module.`` prefixes are stripped; missing BN
``num_batches_tracked`` are filled with 0). DST is an mmengine checkpoint
``{'state_dict', 'meta'}`` for ``Recognizer3D`` + ``ResNet3dHara(depth)`` +
``I3DHead``, loadable with ``torch.load(..., weights_only=True)``.

* Without ``--num-classes`` (or with SRC's fc size) DST holds the whole model
  and loads strictly, e.g. ``python tools/test.py CONFIG DST``.
* With a different ``--num-classes`` the fc is dropped: DST holds the backbone
  only (every backbone key, strictly), for fine-tuning on another dataset via
  ``load_from = DST``; mmengine then reports the ``cls_head.fc_cls`` keys as
  missing, which is expected.

Shortcut-A checkpoints (early ResNet-18/34: no ``downsample`` parameters) are
refused: their zero-padded identity shortcut has no ResNet3d equivalent.
``--unsafe-load`` unpickles SRC with ``weights_only=False``; use it only for
files you trust, since unpickling can run arbitrary code.
"""
import argparse

from mmskd.zoo.hara_checkpoint import (HaraCheckpointError,
                                       convert_hara_checkpoint)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be >= 1, got {value}')
    return value


def parse_args(argv=None) -> argparse.Namespace:
    """Command-line arguments (see the module docstring)."""
    parser = argparse.ArgumentParser(
        description="Convert Hara et al.'s 3D-ResNet checkpoint to mmskd.")
    parser.add_argument('src', help="Hara's checkpoint (.pth)")
    parser.add_argument('dst', help='output mmengine checkpoint')
    parser.add_argument('--depth', type=int, required=True, choices=(18, 50))
    parser.add_argument(
        '--num-classes',
        type=_positive,
        default=None,
        help="classes of the target head (default: SRC's fc size); if it "
        'differs from SRC, the fc is dropped (backbone-only checkpoint)')
    parser.add_argument(
        '--unsafe-load',
        action='store_true',
        help='load SRC with torch.load(weights_only=False) when it holds '
        'non-tensor objects; ONLY for files you trust (runs pickled code)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    """Run the conversion; exit with status 1 and a message on failure."""
    args = parse_args(argv)
    try:
        meta = convert_hara_checkpoint(args.src, args.dst, args.depth,
                                       args.num_classes, args.unsafe_load)
    except (HaraCheckpointError, FileNotFoundError) as err:
        raise SystemExit(f'error: {err}') from None
    if meta['backbone_only']:
        src_fc = meta['source_num_classes']
        why = 'the source has no fc' if src_fc is None else (
            f"--num-classes {meta['num_classes']} != the source fc's {src_fc}")
        print(f'{why}: fc dropped, DST holds the backbone only (strict for '
              'the backbone; fine-tune a new head, e.g. load_from = DST)')
    head = 'backbone only' if meta['backbone_only'] else (
        f"backbone + fc ({meta['num_classes']} classes)")
    print(f"converted {args.src} -> {args.dst}: ResNet3dHara-{args.depth}, "
          f'{head}')


if __name__ == '__main__':
    main()
