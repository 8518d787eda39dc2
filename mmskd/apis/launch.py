"""What ``tools/train.py`` and ``tools/test.py`` do, kept here so it is tested.

The command lines follow MMAction2's own tools (config, ``--work-dir``,
``--resume``, ``--amp``, ``--cfg-options``, ``--launcher``); the run itself is
the standard MMEngine ``Runner``.
"""
import argparse
import os
import os.path as osp
from typing import List, Optional

from mmengine.config import Config, DictAction

from mmskd.utils.io import find_checkpoint, write_json_atomic

LAUNCHERS = ['none', 'pytorch', 'slurm', 'mpi']


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config keys, e.g. train_dataloader.batch_size=8')
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_train_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an action recognizer')
    _add_common(parser)
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in '
        'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (GPU)')
    parser.add_argument(
        '--amp-dtype', choices=['float16', 'bfloat16'], default=None,
        help='AMP with this dtype (implies --amp); bfloat16 runs without '
        'loss scaling')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic algorithms (slower)')
    return parser.parse_args(argv)


def parse_test_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test an action recognizer')
    _add_common(parser)
    parser.add_argument(
        'checkpoint',
        help='checkpoint file, or a work dir (its best_*.pth, else the '
        'latest)')
    parser.add_argument('--dump', help='dump predictions to this .pkl file')
    parser.add_argument('--out-metrics',
                        help='also write the test metrics to this json file')
    parser.add_argument(
        '--num-clips', type=int, default=None,
        help='clips per video in the test pipeline: 1 = clip accuracy '
        '(one centre clip), 10 = the configs\' video accuracy')
    args = parser.parse_args(argv)
    return args


def apply_common_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold the command line into ``cfg`` the way MMAction2's tools do."""
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(args.config)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return cfg


def default_work_dir(config: str) -> str:
    """``work_dirs/<config folder>/<config name>``: the SKD-SRL and the
    baseline config of the same name (``configs/skd_srl/r18_ucf101.py``,
    ``configs/baselines/r18_ucf101.py``) get different work dirs, so
    testing one work dir never picks up the other's checkpoints."""
    folder = osp.basename(osp.dirname(osp.abspath(config)))
    return osp.join('./work_dirs', folder,
                    osp.splitext(osp.basename(config))[0])


def build_train_cfg(args: argparse.Namespace) -> Config:
    cfg = apply_common_args(Config.fromfile(args.config), args)
    if args.amp or args.amp_dtype:
        _enable_amp(cfg, args.amp_dtype)
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.seed is not None or args.deterministic:
        randomness = dict(cfg.get('randomness', dict()))
        if args.seed is not None:
            randomness['seed'] = args.seed
        randomness['deterministic'] = args.deterministic or \
            randomness.get('deterministic', False)
        cfg.randomness = randomness
    return cfg


def _enable_amp(cfg: Config, dtype: Optional[str] = None) -> None:
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in ('OptimWrapper', 'AmpOptimWrapper'):
        raise ValueError(f'--amp needs optim_wrapper.type OptimWrapper, the '
                         f'config has {wrapper!r}')
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    if dtype is not None:
        cfg.optim_wrapper.dtype = dtype
    # bf16 has fp32's exponent range: its gradients need no loss scaling
    bf16 = cfg.optim_wrapper.get('dtype') == 'bfloat16'
    cfg.optim_wrapper.setdefault('loss_scale',
                                 dict(enabled=False) if bf16 else 'dynamic')


def build_test_cfg(args: argparse.Namespace) -> Config:
    cfg = apply_common_args(Config.fromfile(args.config), args)
    cfg.load_from = find_checkpoint(args.checkpoint)
    if args.num_clips is not None:
        set_test_clips(cfg, args.num_clips)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must end with .pkl, got {args.dump}')
        evaluator = cfg.test_evaluator
        evaluators = evaluator if isinstance(evaluator, list) else [evaluator]
        cfg.test_evaluator = evaluators + [
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    return cfg


def set_test_clips(cfg: Config, num_clips: int) -> None:
    """Set ``num_clips`` of the test pipeline's frame sampler.

    The step is found by type, not list index (an index that is off by one
    puts the key on another transform and fails much later).
    """
    if num_clips < 1:
        raise ValueError(f'--num-clips must be >= 1, got {num_clips}')
    _test_sampler(cfg)['num_clips'] = num_clips


def _test_sampler(cfg: Config) -> dict:
    """The one frame-sampling step of the test pipeline."""
    pipeline = cfg.test_dataloader.dataset.pipeline
    samplers = [s for s in pipeline if 'SampleFrames' in s['type']]
    if len(samplers) != 1:
        raise ValueError(
            'expected exactly one *SampleFrames step in '
            f'test_dataloader.dataset.pipeline, found {len(samplers)}: '
            f'{[s["type"] for s in pipeline]}')
    return samplers[0]


def finish_distributed() -> None:
    """Wait for every rank, then tear the process group down.

    Left to interpreter exit, gloo's worker threads are destroyed while
    still joinable and a rank can abort with "terminate called without an
    active exception" (exit code -6) after a finished run: seen once in a
    2-process CPU torchrun in CI. Does nothing outside distributed runs.
    """
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def train_main(argv: Optional[List[str]] = None):
    from mmengine.runner import Runner

    from mmskd.engine.cpu_dist import setup_cpu_distributed
    cfg = build_train_cfg(parse_train_args(argv))
    setup_cpu_distributed(cfg)  # acts only for --launcher pytorch sans CUDA
    runner = Runner.from_cfg(cfg)
    runner.train()
    finish_distributed()
    return runner


def test_main(argv: Optional[List[str]] = None) -> dict:
    from mmengine.runner import Runner

    from mmskd.engine.cpu_dist import setup_cpu_distributed
    from .inference import verify_checkpoint
    args = parse_test_args(argv)
    cfg = build_test_cfg(args)
    # The Runner would load a mismatched checkpoint with only a warning and
    # test a half-random model: refuse it, naming the keys.
    verify_checkpoint(cfg, cfg.load_from)
    setup_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if args.out_metrics and runner.rank == 0:
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics['checkpoint'] = cfg.load_from
        metrics['num_clips'] = _test_sampler(cfg).get('num_clips', 1)
        write_json_atomic(args.out_metrics, metrics)
    finish_distributed()
    return metrics
