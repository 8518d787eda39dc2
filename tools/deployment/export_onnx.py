"""Export a recognizer's inference network (encoder + classifier) to ONNX.

    python tools/deployment/export_onnx.py CONFIG CHECKPOINT OUT.onnx \\
        [--shape T H W | --clip-len T] [--opset 17] [--atol 1e-4]

CONFIG may be an SKD-SRL config (the projector/predictor are dropped), an
exported plain config or a baseline config. The clip shape defaults to the
config's test pipeline (T = SampleFrames clip_len, H x W = the crop size);
the batch axis is dynamic. Input ``clips`` [N, 3, T, H, W] holds RGB pixels
0-255 (normalisation is in the graph); outputs ``logits`` and ``scores``
(softmax), both [N, K]. After export, ONNX Runtime is run at two batch sizes
against PyTorch: the largest absolute difference is printed and the exit
status is 1 (and OUT is not written) when it exceeds --atol.
"""
import argparse
import json
import sys

from mmengine.config import Config

import mmskd  # noqa: F401
from mmskd.apis.launch import find_checkpoint
from mmskd.deployment.onnx_export import (clip_shape, export_checked,
                                          load_inference_net)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='checkpoint file or work dir')
    parser.add_argument('out', help='output .onnx file')
    group = parser.add_mutually_exclusive_group()
    group.add_argument('--shape', type=int, nargs=3, metavar=('T', 'H', 'W'))
    group.add_argument('--clip-len', type=int, help='T only; H, W from config')
    parser.add_argument('--opset', type=int, default=17)
    parser.add_argument('--atol', type=float, default=1e-4)
    parser.add_argument(
        '--check-batch-sizes',
        type=int,
        nargs=2,
        default=[1, 2],
        metavar=('N1', 'N2'))
    args = parser.parse_args(argv)
    if not args.out.endswith('.onnx'):
        parser.error(f'OUT must end with .onnx, got {args.out}')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    shape = args.shape or clip_shape(Config.fromfile(args.config))
    if args.clip_len:
        shape = (args.clip_len, ) + tuple(shape[1:])
    net = load_inference_net(args.config, find_checkpoint(args.checkpoint))
    result = export_checked(net, shape, args.out, args.opset,
                            args.check_batch_sizes, args.atol)
    for n, diff in result['max_abs_diff'].items():
        print(f'batch {n}: max |onnxruntime - pytorch| = {diff:.3e}')
    if not result['passed']:
        print(
            f'error: difference above --atol {args.atol}; {args.out} not '
            'written',
            file=sys.stderr)
        return 1
    print(f'wrote {args.out}: clips [N, 3, {", ".join(map(str, shape))}] -> '
          'logits, scores [N, K] (opset {}, TorchScript exporter)'.format(
              args.opset))
    print(
        json.dumps(
            dict(
                out=args.out,
                shape=list(shape),
                opset=args.opset,
                max_abs_diff=max(result['max_abs_diff'].values()))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
