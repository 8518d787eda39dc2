"""Turn a training checkpoint into a release checkpoint.

    python tools/publish_model.py IN.pth OUT_DIR/NAME.pth [--strip-train-heads]
        [--unsafe-load]

Writes OUT_DIR/NAME-<sha256[:8]>.pth: ``state_dict`` and plain ``meta``
only (no optimizer, no message hub), loadable with
``torch.load(weights_only=True)``. IN is never unpickled beyond tensors
and mmengine's own records unless ``--unsafe-load`` is given.
"""
import argparse
import pickle
import sys

import mmskd  # noqa: F401  (allow-lists mmengine's checkpoint records)
from mmskd.zoo.publish import publish_checkpoint


def main() -> int:
    parser = argparse.ArgumentParser(description='Publish a checkpoint')
    parser.add_argument('src', help='training checkpoint (.pth)')
    parser.add_argument('out', help='dir/name.pth; the hash is appended')
    parser.add_argument(
        '--strip-train-heads', action='store_true',
        help='drop siamese_head.* (SKD-SRL training-only weights)')
    parser.add_argument(
        '--unsafe-load', action='store_true',
        help='unpickle any object in SRC (runs code from the file: only '
        'for files you trust)')
    args = parser.parse_args()
    try:
        final = publish_checkpoint(args.src, args.out, args.strip_train_heads,
                                   args.unsafe_load)
    except (pickle.UnpicklingError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(final)
    return 0


if __name__ == '__main__':
    sys.exit(main())
