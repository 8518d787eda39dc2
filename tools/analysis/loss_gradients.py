"""How strongly does each loss term pull on the deployed network?

    python tools/analysis/loss_gradients.py CONFIG CHECKPOINT \
        [--batches 8] [--seed 0] [--out grads.json] [--cfg-options K=V ...]

Loads a *training* checkpoint (an SKD-SRL one must still hold its
projector/predictor), draws ``--batches`` batches from the config's train
loader (its own augmentations, shuffled with ``--seed``) and, per loss term,
prints the mean norm of the term's gradient on the encoder + classifier
weights, that norm relative to ``loss_cls``'s and the cosines to
``loss_cls``'s gradient and to the total (mmskd.studies.loss_gradients).
Example: is SKD-SRL's distillation term inert at tau = 10?

    python tools/analysis/loss_gradients.py \
        configs/skd_srl/r18_utd_mhad_depth.py \
        work_dirs/studies/utd_mhad/skd_srl/seed0/epoch_80.pth

Add ``--cfg-options model.loss_kd.tau_squared=True`` to see what the
Hinton tau^2 factor would make of it (same weights, same batches).
"""
import argparse
import itertools
import json
import sys

from mmengine.config import Config, DictAction
from mmengine.registry import init_default_scope
from mmengine.runner import Runner, set_random_seed

import mmskd  # noqa: F401  (registers the components)
from mmskd.apis.inference import init_model, load_state_dict_file
from mmskd.studies.loss_gradients import format_table, term_gradients


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='a training checkpoint (.pth)')
    parser.add_argument('--batches', type=int, default=8)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='also write the result as JSON')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        default={})
    args = parser.parse_args(argv)
    if args.batches < 1:
        parser.error('--batches must be at least 1')
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    try:
        state = load_state_dict_file(args.checkpoint)
        model = init_model(cfg, args.checkpoint)
    except (OSError, ValueError, RuntimeError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    # init_model accepts a checkpoint without the projector/predictor
    # (inference does not need them); the training loss does
    lacking = sorted(k for k in model.state_dict() if k not in state)
    if lacking:
        print(f'error: {args.checkpoint} lacks {len(lacking)} weights the '
              f'training loss needs (e.g. {lacking[0]}): give the training '
              'checkpoint, not an exported one', file=sys.stderr)
        return 2
    # the pipeline's random crops and augmentations draw from random /
    # numpy / torch in this process: seed all three, so the same --seed
    # gives the same batches and dropout masks
    set_random_seed(args.seed)
    loader = Runner.build_dataloader(cfg.train_dataloader, seed=args.seed)
    batches = itertools.islice(iter(loader), args.batches)
    result = term_gradients(model, batches)
    n = min(r['batches'] for r in result.values())
    print(f'{args.checkpoint}: {n} training batches of '
          f'{cfg.train_dataloader.batch_size} videos, gradients on the '
          'encoder + classifier weights (means over batches)')
    print(format_table(result))
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(config=args.config, checkpoint=args.checkpoint,
                           batches=n, seed=args.seed,
                           cfg_options=dict(args.cfg_options),
                           terms=result), f, indent=2)
        print(f'wrote {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
