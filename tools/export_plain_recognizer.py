"""Export a trained SKD-SRL checkpoint as a plain Recognizer3D.

    python tools/export_plain_recognizer.py CONFIG CHECKPOINT OUT.pth

Writes OUT.pth (encoder + FC weights; projector/predictor dropped) and OUT.py
(the matching Recognizer3D config); both load in any MMAction2 tool.
"""
import argparse

import mmskd  # noqa: F401
from mmskd.apis.launch import find_checkpoint
from mmskd.deployment.export import export_plain


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('config',
                        help='the SKD-SRL config it was trained with')
    parser.add_argument('checkpoint', help='checkpoint file or work dir')
    parser.add_argument('out', help='output .pth (a .py config goes beside)')
    args = parser.parse_args()
    result = export_plain(args.config, find_checkpoint(args.checkpoint),
                          args.out)
    print(f'dropped {len(result["dropped"])} training-only tensors '
          f'(siamese_head.*)')
    print(f'plain checkpoint: {result["checkpoint"]}')
    print(f'plain config:     {result["config"]}')


if __name__ == '__main__':
    main()
