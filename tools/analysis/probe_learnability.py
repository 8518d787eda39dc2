"""How fast does a from-scratch R3D-18 start learning a dataset variant?

    python tools/analysis/probe_learnability.py DATA_DIR [--steps 350]
        [--optimizer adamw|sgd] [--lr 1e-3] [--batch-size 8]

A quick yardstick for choosing the synthetic dataset's defaults (and the
demo's optimiser): it decodes ``--clips`` random 8x64x64 clips (interval 2,
centre square after a short-side resize to 64) of every training video into
memory once, then trains the CE baseline (R3D-18, ``configs/_base_/models/
r3d18_hara.py``) with a random 56x56 crop and horizontal flip, printing the
mean train loss and the validation top-1 (one centre clip per video) every
50 steps. Without the runner and the data loader a step costs only the
model, so variants compare in minutes. It is a probe, not a result: the demo
and ``make table2`` train through the real pipeline.
"""
import argparse
import os.path as osp
import time

import decord
import numpy as np
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from PIL import Image

import mmskd  # noqa: F401  (registers ResNet3dHara)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CLIP_LEN, INTERVAL, SIZE, CROP = 8, 2, 64, 56


def load_split(root: str, split: str, clips: int, rng) -> tuple:
    """uint8 [N, 3, T, 64, 64] clips and int64 [N] labels of one split."""
    xs, ys = [], []
    span = CLIP_LEN * INTERVAL
    with open(osp.join(root, f'{split}.txt')) as f:
        lines = [line.split() for line in f if line.strip()]
    for path, label in lines:
        reader = decord.VideoReader(osp.join(root, path))
        last = max(len(reader) - span, 0)
        starts = ([last // 2] if clips == 1 else rng.integers(
            0, last + 1, clips))
        for start in starts:
            inds = [min(i, len(reader) - 1)
                    for i in range(start, start + span, INTERVAL)]
            frames = reader.get_batch(inds).asnumpy()  # [T, H, W, 3]
            h, w = frames.shape[1:3]
            scale = SIZE / min(h, w)
            size = (max(SIZE, round(w * scale)), max(SIZE, round(h * scale)))
            frames = np.stack([
                np.asarray(Image.fromarray(fr).resize(size, Image.BILINEAR))
                for fr in frames
            ])
            y0, x0 = (size[1] - SIZE) // 2, (size[0] - SIZE) // 2
            xs.append(frames[:, y0:y0 + SIZE, x0:x0 + SIZE])
            ys.append(int(label))
    x = torch.from_numpy(np.stack(xs)).permute(0, 4, 1, 2, 3).contiguous()
    return x, torch.tensor(ys)


def build_model(num_classes: int) -> torch.nn.Module:
    init_default_scope('mmaction')
    cfg = Config.fromfile(
        osp.join(REPO, 'configs/_base_/models/r3d18_hara.py'))
    cfg.model.cls_head.num_classes = num_classes
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('data_dir')
    parser.add_argument('--steps', type=int, default=350)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--clips', type=int, default=4,
                        help='random clips per training video')
    parser.add_argument('--optimizer', choices=['adamw', 'sgd'],
                        default='adamw')
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--weight-decay', type=float, default=1e-4)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--every', type=int, default=50)
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x_train, y_train = load_split(args.data_dir, 'train', args.clips, rng)
    x_val, y_val = load_split(args.data_dir, 'val', 1, rng)
    with open(osp.join(args.data_dir, 'classes.txt')) as f:
        num_classes = sum(1 for line in f if line.strip())
    model = build_model(num_classes)
    if args.optimizer == 'sgd':
        opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9,
                              weight_decay=args.weight_decay)
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr,
                                weight_decay=args.weight_decay)

    def logits(x):
        x = (x.float() - 127.5) / 127.5  # the configs' [-1, 1] inputs
        return model.cls_head(model.backbone(x))

    print(f'{len(x_train)} train clips, {len(x_val)} val clips', flush=True)
    step, losses, start = 0, [], time.time()
    centre = (SIZE - CROP) // 2
    while step < args.steps:
        order = torch.randperm(len(x_train))
        for i in range(0, len(order) - args.batch_size + 1, args.batch_size):
            idx = order[i:i + args.batch_size]
            oy, ox = rng.integers(0, SIZE - CROP + 1, 2)
            x = x_train[idx][..., oy:oy + CROP, ox:ox + CROP]
            if rng.random() < 0.5:
                x = x.flip(-1)
            model.train()
            loss = F.cross_entropy(logits(x), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
            step += 1
            if step % args.every == 0 or step == args.steps:
                model.eval()
                with torch.no_grad():
                    pred = torch.cat([
                        logits(x_val[j:j + 32][..., centre:centre + CROP,
                                               centre:centre + CROP]).argmax(1)
                        for j in range(0, len(x_val), 32)
                    ])
                acc = (pred == y_val).float().mean().item()
                print(f'step {step} train_loss '
                      f'{np.mean(losses[-args.every:]):.3f} val_top1 '
                      f'{acc:.3f} ({time.time() - start:.0f} s)', flush=True)
            if step >= args.steps:
                break


if __name__ == '__main__':
    main()
