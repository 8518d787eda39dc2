"""Top-k action classes of video files, scored with the config's test protocol.

    python tools/infer.py CONFIG CHECKPOINT VIDEO [VIDEO ...] \\
        [--label-map classes.txt] [--top-k 5] [--out-dir DIR] \\
        [--device cuda:0] [--cfg-options k=v ...]

MMAction2's demo order: config (a .py file), checkpoint (a .pth file, or a
work dir: its best_*.pth, else the latest), then the videos. Works with
SKD-SRL configs, exported plain configs (the .py written beside the exported
.pth) and baseline configs. Class names come from the checkpoint (the
training set's ``classes``, when its config named them); ``--label-map``
overrides them. ``--device`` defaults to the GPU when there is one.
``--out-dir`` also writes, per video, ``NAME.json`` (top-k, checkpoint,
config, protocol) and ``NAME_pred.mp4`` (the video, upscaled if tiny, with
the top prediction drawn on every frame). Progress with rate and ETA goes
to stderr. Exit status 1 if any video failed; the others are still scored.
"""
import argparse
import json
import math
import os
import os.path as osp
import sys
from fractions import Fraction
from typing import Dict, List, Optional

import av
import cv2
import numpy as np
import torch
from mmengine.config import DictAction

import mmskd  # noqa: F401  (registers SKDSRLRecognizer3D, fixes torch.load)
from mmskd.apis.inference import (CheckpointMismatchError, VideoReadError,
                                  class_names, describe_protocol,
                                  inference_pipeline, init_model,
                                  load_label_map, recognize, top_k)
from mmskd.utils.io import atomic_output, find_checkpoint, write_json_atomic
from mmskd.utils.progress import JobProgress

MIN_SHORT_SIDE = 256  # upscale tiny clips (e.g. 64x64) so the text is legible
FONT = cv2.FONT_HERSHEY_SIMPLEX


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='config file (.py)')
    parser.add_argument('checkpoint', help='checkpoint file or work dir')
    parser.add_argument('videos', nargs='+', metavar='VIDEO')
    parser.add_argument('--label-map', help='class names, one a line '
                        "(overrides the checkpoint's)")
    parser.add_argument('--top-k', type=int, default=5)
    parser.add_argument('--out-dir', help='write NAME.json + NAME_pred.mp4')
    parser.add_argument(
        '--device', default='cuda:0' if torch.cuda.is_available() else 'cpu',
        help='default: cuda:0 when a GPU is there, else cpu')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, e.g. test_dataloader.dataset.pipeline'
        '.1.num_clips=1')
    args = parser.parse_args(argv)
    if not args.config.endswith('.py'):
        parser.error('the first positional argument is the config and must '
                     f'be a .py file, got {args.config}')
    if args.top_k < 1:
        parser.error(f'--top-k must be >= 1, got {args.top_k}')
    return args


def draw_label(frame: np.ndarray, text: str) -> np.ndarray:
    """``text`` in white on a black band, top left; upscales tiny frames."""
    h, w = frame.shape[:2]
    scale = max(1, math.ceil(MIN_SHORT_SIDE / min(h, w)))
    out = cv2.resize(
        frame, (w * scale, h * scale), interpolation=cv2.INTER_NEAREST)
    out = out[:out.shape[0] // 2 * 2, :out.shape[1] // 2 * 2]  # yuv420p: even
    pad, font_scale = 6, out.shape[1] / 400
    thickness = max(1, round(font_scale * 2))
    (tw, th), base = cv2.getTextSize(text, FONT, font_scale, thickness)
    if tw > out.shape[1] - 2 * pad:  # shrink long labels to fit the width
        font_scale *= (out.shape[1] - 2 * pad) / tw
        (tw, th), base = cv2.getTextSize(text, FONT, font_scale, thickness)
    cv2.rectangle(
        out, (0, 0), (tw + 2 * pad, th + base + 2 * pad), (0, 0, 0),
        thickness=-1)
    cv2.putText(out, text, (pad, pad + th), FONT, font_scale, (255, 255, 255),
                thickness, cv2.LINE_AA)
    return out


def write_annotated_video(src: str, dst: str, text: str) -> None:
    """Re-encode ``src`` as H.264 ``dst`` with ``text`` on every frame."""
    with atomic_output(dst) as tmp:  # dst.tmp.mp4 until complete
        with av.open(src) as inp, av.open(tmp, 'w', format='mp4') as out:
            vin = inp.streams.video[0]
            vout = None
            for frame in inp.decode(vin):
                img = draw_label(frame.to_ndarray(format='rgb24'), text)
                if vout is None:
                    vout = out.add_stream(
                        'libx264', rate=vin.average_rate or Fraction(25))
                    vout.height, vout.width = img.shape[:2]
                    vout.pix_fmt, vout.options = 'yuv420p', {'crf': '18'}
                out.mux(
                    vout.encode(
                        av.VideoFrame.from_ndarray(img, format='rgb24')))
            out.mux(vout.encode())  # flush the encoder


def write_outputs(out_dir: str, name: str, record: Dict) -> None:
    """``NAME.json`` and ``NAME_pred.mp4``, both written atomically."""
    best = record['top_k'][0]
    video_out = osp.join(out_dir, f'{name}_pred.mp4')
    write_annotated_video(record['video'], video_out,
                          f'{best["label"]} {best["score"]:.2f}')
    record = dict(record, annotated_video=osp.basename(video_out))
    path = osp.join(out_dir, f'{name}.json')
    write_json_atomic(path, record)


def load(args: argparse.Namespace) -> Dict:
    """Model, label names and checkpoint path; raises the clear errors."""
    checkpoint = find_checkpoint(args.checkpoint)
    model = init_model(args.config, checkpoint, args.device,
                       args.cfg_options)
    labels = load_label_map(args.label_map, model.cls_head.num_classes) \
        if args.label_map else class_names(model)
    return dict(model=model, labels=labels, checkpoint=checkpoint)


def infer_one(args: argparse.Namespace, video: str, ctx: Dict) -> None:
    """Score one video, print its top-k and write its outputs."""
    scores = recognize(ctx['model'], video, ctx['pipeline'])
    best = top_k(scores, ctx['labels'], args.top_k)
    print(video)
    for rank, (index, label, score) in enumerate(best, 1):
        print(f'  {rank}. {label:<24s} {score:.4f}  (class {index})')
    if args.out_dir:
        name = _unique(osp.splitext(osp.basename(video))[0], ctx['names'])
        write_outputs(
            args.out_dir, name,
            dict(
                video=osp.abspath(video),
                config=osp.abspath(args.config),
                checkpoint=osp.abspath(ctx['checkpoint']),
                protocol=ctx['protocol'],
                top_k=[
                    dict(index=i, label=lab, score=s) for i, lab, s in best
                ]))


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    try:
        ctx = load(args)
    except (CheckpointMismatchError, FileNotFoundError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    ctx.update(
        pipeline=inference_pipeline(ctx['model'].cfg),
        protocol=describe_protocol(ctx['model']),
        names=set())
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
    print(f'protocol: {json.dumps(ctx["protocol"])}')
    failed = 0
    with JobProgress(len(args.videos), 'videos') as progress:
        for video in args.videos:
            try:
                infer_one(args, video, ctx)
            except VideoReadError as err:  # report it, score the others
                print(f'error: {err}', file=sys.stderr)
                failed += 1
            progress.advance()
    return 1 if failed else 0


def _unique(name: str, used: set) -> str:
    """``name``, or ``name_2``, ``name_3``... if another video had it."""
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = f'{name}_{n}'
    used.add(candidate)
    return candidate


if __name__ == '__main__':
    sys.exit(main())
