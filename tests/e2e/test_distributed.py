"""2-process CPU torchrun (gloo) equals 1 process with the same global batch
(docs/reliability.md, section 3).

The model is R3D-18 (``base_channels=4``) with GroupNorm instead of
BatchNorm: per-rank BatchNorm statistics differ from whole-batch ones by
design, and torch's SyncBatchNorm is GPU-only. The train pipeline is the
deterministic val one (centre clip, centre crop), because each rank draws
its own augmentation stream. So what is compared is the optimisation:
sampler sharding, DDP gradient averaging, checkpointing, val collection.
"""
import pickle
import socket
import sys

import pytest
import torch

from helpers.children import differing_tensors, scalars
from helpers.tiny_run import child_env, run_tool, tiny_config, train_cmd
from helpers.videos import make_video_set

EPOCHS, ATOL = 2, 1e-5  # measured 6e-8: float32 summation order only


def _config(root, work, batch_size):
    cfg = tiny_config(root, work, epochs=EPOCHS, skd=False)
    cfg.model.backbone.norm_cfg = dict(type='GN', num_groups=1,
                                       requires_grad=True)
    val_pipeline = cfg.val_dataloader.dataset.pipeline
    val_pipeline[-1]['meta_keys'] = ('filename', )  # for the coverage check
    cfg.train_dataloader.dataset.pipeline = val_pipeline
    cfg.train_dataloader.batch_size = batch_size
    cfg.val_evaluator = [cfg.val_evaluator, dict(
        type='DumpResults', out_file_path=str(work / 'val_results.pkl'))]
    return cfg


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _torchrun_train(config, work, timeout=240) -> str:
    """``tools/train.py CONFIG --launcher pytorch`` on 2 CPU ranks (gloo,
    loopback) through torchrun; returns the log."""
    torchrun = [sys.executable, '-m', 'torch.distributed.run',
                '--nproc_per_node', '2', '--master_addr', '127.0.0.1',
                '--master_port', str(_free_port())]
    return run_tool(torchrun + train_cmd(config, work)[1:] +
                    ['--launcher', 'pytorch'],
                    child_env(GLOO_SOCKET_IFNAME='lo'), timeout=timeout)


@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('dist')
    lines = make_video_set(tmp / 'data', {'train': 8, 'val': 5})
    for name, batch in (('one', 4), ('two', 2)):  # global batch 4 in both
        _config(tmp / 'data', tmp / name, batch).dump(str(tmp / f'{name}.py'))
    run_tool(train_cmd(tmp / 'one.py', tmp / 'one'), child_env())
    log = _torchrun_train(tmp / 'two.py', tmp / 'two')
    return tmp, lines['val'], log


def _final(work) -> dict:
    return torch.load(work / f'epoch_{EPOCHS}.pth', weights_only=True)


def test_two_ranks_match_one_process(runs):
    tmp, _, log = runs
    assert 'CPU distributed: gloo, rank 0 of 2' in log
    one, two = _final(tmp / 'one'), _final(tmp / 'two')
    assert differing_tensors(one['state_dict'], two['state_dict'],
                             atol=ATOL) == []
    start = torch.load(tmp / 'one' / 'epoch_1.pth', weights_only=True)
    assert differing_tensors(start['state_dict'], one['state_dict'],
                             atol=100 * ATOL) != []  # epoch 2 did train
    assert [r['acc/top1'] for r in scalars(tmp / 'one', 'acc/top1')] == \
        [r['acc/top1'] for r in scalars(tmp / 'two', 'acc/top1')]


def test_every_val_video_counted_once_despite_padding(runs):
    tmp, val_lines, _ = runs  # 5 videos on 2 ranks: the sampler pads to 6
    with open(tmp / 'two' / 'val_results.pkl', 'rb') as f:
        results = pickle.load(f)  # our own file, written by DumpResults
    names = sorted(r['filename'].rsplit('/', 1)[-1] for r in results)
    assert names == sorted(x.split()[0] for x in val_lines)


def test_only_rank_0_writes_checkpoints(runs):
    tmp, _, _ = runs
    work = tmp / 'two'
    saved = (work / 'saved_by_rank0.txt').read_text().split()
    assert sorted(set(saved)) == [str(e) for e in range(1, EPOCHS + 1)]
    assert not (work / 'saved_by_rank1.txt').exists()
    assert not list(work.glob('*.tmp'))


@pytest.mark.slow
def test_skd_srl_config_two_ranks_unequal_shards_cross_epoch_end(tmp_path):
    """The shipped UCF101 SKD-SRL config (shrunk) under a 2-process CPU
    torchrun: 27 real clips do not split evenly over 2 ranks (the sampler
    pads rank 1) and leave an incomplete last batch on each; two epoch ends
    and two validations must pass without a hang or a crash."""
    from mmengine.config import Config

    from conftest import REPO_ROOT, real_clips_dir
    from helpers.tiny_run import shrink_real_config
    root = real_clips_dir('weizmann4_mocogan_derived')
    lines = (root / 'train_blocks0-6.txt').read_text().splitlines()[:27]
    (tmp_path / 'train27.txt').write_text('\n'.join(lines) + '\n')
    cfg = Config.fromfile(str(REPO_ROOT / 'configs/skd_srl/r18_ucf101.py'))
    work = tmp_path / 'work'
    shrink_real_config(cfg, root, work, train=str(tmp_path / 'train27.txt'))
    cfg.dump(str(tmp_path / 'skd.py'))
    log = _torchrun_train(tmp_path / 'skd.py', work, timeout=300)
    assert 'CPU distributed: gloo, rank 0 of 2' in log
    # 14 videos per rank at batch 3: 4 steps, the 2 left over dropped
    assert 'Epoch(train) [2][4/4]' in log and 'Epoch(val) [2]' in log
    assert (work / 'epoch_2.pth').is_file()


@pytest.mark.slow
def test_flexible_runner_ddp_strategy_two_cpu_ranks(tmp_path):
    """``runner_type='FlexibleRunner'`` with MMEngine's DDPStrategy: the
    same run on 2 CPU ranks (gloo) trains, validates and checkpoints."""
    make_video_set(tmp_path / 'data', {'train': 8, 'val': 4})
    work = tmp_path / 'work'
    cfg = _config(tmp_path / 'data', work, batch_size=2)
    cfg.runner_type = 'FlexibleRunner'
    cfg.strategy = dict(type='DDPStrategy')
    cfg.dump(str(tmp_path / 'flex.py'))
    log = _torchrun_train(tmp_path / 'flex.py', work)
    assert 'CPU distributed: gloo, rank 0 of 2' in log
    assert f'Epoch(val) [{EPOCHS}]' in log
    assert (work / f'epoch_{EPOCHS}.pth').is_file()


@pytest.mark.slow
def test_flexible_runner_fsdp_strategy_two_cpu_ranks(tmp_path):
    """MMEngine's FSDPStrategy (parameters sharded over 2 CPU ranks, gloo):
    trains, validates and saves a full checkpoint that a plain model loads
    with every key and full shapes."""
    make_video_set(tmp_path / 'data', {'train': 8, 'val': 4})
    work = tmp_path / 'work'
    cfg = _config(tmp_path / 'data', work, batch_size=2)
    cfg.runner_type = 'FlexibleRunner'
    # 'full': rank 0 writes one whole checkpoint (the default, 'local',
    # writes a folder of per-rank shards that tools/test.py cannot read)
    cfg.strategy = dict(type='FSDPStrategy', state_dict_cfg='full')
    cfg.dump(str(tmp_path / 'fsdp.py'))
    log = _torchrun_train(tmp_path / 'fsdp.py', work)
    assert 'CPU distributed: gloo, rank 0 of 2' in log
    assert f'Epoch(val) [{EPOCHS}]' in log
    ckpt = torch.load(work / f'epoch_{EPOCHS}.pth', map_location='cpu',
                      weights_only=False)
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert set(ckpt['state_dict']) == set(model.state_dict())
    model.load_state_dict(ckpt['state_dict'])  # full, unsharded shapes
