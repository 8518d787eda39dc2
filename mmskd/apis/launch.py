"""What ``tools/train.py`` and ``tools/test.py`` do, kept here so it is tested.

The command lines follow MMAction2's own tools (config, ``--work-dir``,
``--resume``, ``--amp``, ``--auto-scale-lr``, ``--no-validate``,
``--show-dir``, ``--cfg-options`` applied last, ``--launcher``); the run is
the standard MMEngine ``Runner``, or the runner a config's ``runner_type``
names (e.g. ``FlexibleRunner`` with a ``strategy``).
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
    parser.add_argument(
        '--auto-scale-lr', action='store_true',
        help='scale the learning rate by the total batch size over the '
        "config's auto_scale_lr.base_batch_size")
    parser.add_argument('--no-validate', action='store_true',
                        help='no validation during training')
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
    parser.add_argument(
        '--show-dir', help='draw each test video with its prediction '
        "(MMAction2's VisualizationHook) into this folder, under the work "
        'dir')
    args = parser.parse_args(argv)
    return args


def apply_common_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Fold the command line into ``cfg`` the way MMAction2's tools do;
    ``--cfg-options`` come last (see :func:`apply_cfg_options`)."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = default_work_dir(args.config)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return cfg


def apply_cfg_options(cfg: Config, args: argparse.Namespace) -> Config:
    """``--cfg-options``, after every other argument, as MMAction2 does:
    they can override what an option set (e.g. ``--amp``'s loss scale)."""
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
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
    if args.auto_scale_lr:
        scale = cfg.get('auto_scale_lr')
        if not scale or 'base_batch_size' not in scale:
            raise ValueError('--auto-scale-lr needs auto_scale_lr = dict('
                             'base_batch_size=...) in the config')
        cfg.auto_scale_lr.enable = True
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    return apply_cfg_options(cfg, args)


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
    if args.show_dir:
        hook = cfg.default_hooks.get('visualization')
        if hook is None:
            raise ValueError('--show-dir needs a visualization hook in '
                             'default_hooks (configs/_base_/'
                             'default_runtime.py has one)')
        hook.update(enable=True, out_dir=osp.join(cfg.work_dir,
                                                  args.show_dir))
    return apply_cfg_options(cfg, args)


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


def build_runner(cfg: Config):
    """``Runner.from_cfg``, or the ``runner_type`` the config names (e.g.
    MMEngine's ``FlexibleRunner`` with a ``strategy``), as MMAction2's
    tools do."""
    from mmengine.registry import RUNNERS
    from mmengine.runner import Runner

    from mmskd.engine.cpu_dist import setup_cpu_distributed
    setup_cpu_distributed(cfg)  # acts only for --launcher pytorch sans CUDA
    if 'runner_type' not in cfg:
        return Runner.from_cfg(cfg)
    return RUNNERS.build(cfg)


def train_main(argv: Optional[List[str]] = None):
    cfg = build_train_cfg(parse_train_args(argv))
    runner = build_runner(cfg)
    runner.train()
    finish_distributed()
    return runner


def test_main(argv: Optional[List[str]] = None) -> dict:
    from .inference import verify_checkpoint
    args = parse_test_args(argv)
    cfg = build_test_cfg(args)
    # The Runner would load a mismatched checkpoint with only a warning and
    # test a half-random model: refuse it, naming the keys.
    verify_checkpoint(cfg, cfg.load_from)
    runner = build_runner(cfg)
    metrics = runner.test()
    if args.out_metrics and runner.rank == 0:
        metrics = {k: float(v) for k, v in metrics.items()}
        metrics['checkpoint'] = cfg.load_from
        metrics['num_clips'] = _test_sampler(cfg).get('num_clips', 1)
        write_json_atomic(args.out_metrics, metrics)
    finish_distributed()
    return metrics
