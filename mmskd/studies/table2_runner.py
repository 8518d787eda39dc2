"""Table II's measured ablation (``make table2``) as a plan of runs.

A run is ``tools/train.py`` and then ``tools/test.py`` twice (video protocol:
10 clips; clip protocol: 1 clip), each a subprocess, in the run's own work
dir ``<root>/<row>/seed<S>``. The KD row's R3D-50 teacher is one more run,
first, in ``<root>/kd_teacher``. What a work dir holds says what is left to
do, so an interrupted driver goes on where it stopped (:func:`stages_left`).
"""
import os.path as osp
import re
import sys
from dataclasses import dataclass, field
from glob import glob
from typing import List, Optional, Sequence

from mmskd.engine.schedule import length_options

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ROWS = ('baseline', 'baseline_aug', 'kd_r50', 'self_kd', 'skd_srl_no_srl',
        'skd_srl')
TEACHER = 'kd_teacher'
PROTOCOLS = dict(video=10, clip=1)  # test protocol -> clips per video


@dataclass
class Run:
    """One training run and its two tests."""
    row: str
    seed: int
    epochs: int
    config: str
    work_dir: str
    options: List[str] = field(default_factory=list)  # --cfg-options

    @property
    def name(self) -> str:
        return f'{self.row} seed{self.seed}'


def config_of(row: str) -> str:
    """The demo-scale config of a row (or of the teacher)."""
    if row == TEACHER:
        return 'configs/table2/r50_synthetic_demo_kd_teacher.py'
    return f'configs/table2/r18_synthetic_demo_{row}.py'


def data_options(data_dir: Optional[str]) -> List[str]:
    """cfg-options pointing every split at ``data_dir`` (none if None)."""
    if data_dir is None:
        return []
    return [opt for split in ('train', 'val', 'test') for opt in (
        f'{split}_dataloader.dataset.ann_file={data_dir}/{split}.txt',
        f'{split}_dataloader.dataset.data_prefix.video={data_dir}')]


def smoke_options() -> List[str]:
    """Batch 2, no DataLoader workers, a log line per step."""
    return ['default_hooks.logger.interval=1'] + [
        opt for split in ('train', 'val', 'test') for opt in (
            f'{split}_dataloader.batch_size=2',
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False')]


def build_plan(rows: Sequence[str], seeds: Sequence[int], epochs: int,
               work_root: str = 'work_dirs/table2',
               data_dir: Optional[str] = None, smoke: bool = False,
               teacher_seed: int = 0) -> List[Run]:
    """Teacher first (if the KD row is asked for), then seed by seed (a
    complete one-seed table exists early), rows in the paper's order."""
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        raise ValueError(f'unknown rows {unknown}; choose from {ROWS}')
    epochs = 1 if smoke else epochs
    common = data_options(data_dir) + (smoke_options() if smoke else [])
    teacher_dir = osp.join(work_root, TEACHER)
    plan = [Run(TEACHER, teacher_seed, epochs, config_of(TEACHER),
                teacher_dir, list(common))] if 'kd_r50' in rows else []
    for seed in seeds:
        for row in (r for r in ROWS if r in rows):
            extra = [f'model.teacher_ckpt={teacher_dir}'] \
                if row == 'kd_r50' else []
            plan.append(Run(row, seed, epochs, config_of(row),
                            osp.join(work_root, row, f'seed{seed}'),
                            extra + common))
    return plan


def metrics_path(run: Run, protocol: str) -> str:
    return osp.join(run.work_dir, f'test_{protocol}.json')


def epochs_done(run: Run, repo: str = '.') -> int:
    """The last epoch with a checkpoint in the work dir (0 if none)."""
    names = glob(osp.join(repo, run.work_dir, 'epoch_*.pth'))
    found = [re.search(r'epoch_(\d+)\.pth$', n) for n in names]
    return max((int(m.group(1)) for m in found if m), default=0)


def stages_left(run: Run, repo: str = '.') -> List[str]:
    """What is left: ``[]`` (both test JSONs there), else ``train`` (no
    checkpoint) or ``resume`` (some) unless the last epoch's checkpoint is
    there, then the protocols to test (all of them after any training)."""
    missing = [p for p in PROTOCOLS
               if not osp.isfile(osp.join(repo, metrics_path(run, p)))]
    if not missing:
        return []
    done = epochs_done(run, repo)
    if done >= run.epochs:
        return missing
    last = osp.isfile(osp.join(repo, run.work_dir, 'last_checkpoint'))
    return ['resume' if done or last else 'train'] + list(PROTOCOLS)


def command(run: Run, stage: str) -> List[str]:
    """The subprocess of a stage: ``train``, ``resume`` or a protocol."""
    if stage in ('train', 'resume'):
        return [sys.executable, 'tools/train.py', run.config, '--work-dir',
                run.work_dir, '--seed', str(run.seed)] + \
            ['--resume'] * (stage == 'resume') + [
                '--cfg-options', *length_options(
                    osp.join(REPO, run.config), run.epochs), *run.options]
    # Its own --work-dir: without one, tools/test.py's Runner dumps its
    # config into work_dirs/<folder>/<config name>/ (the teacher's default
    # dir).
    return [sys.executable, 'tools/test.py', run.config, run.work_dir,
            '--work-dir', osp.join(run.work_dir, 'test_logs', stage),
            '--num-clips', str(PROTOCOLS[stage]), '--out-metrics',
            metrics_path(run, stage)] + (
                ['--cfg-options', *run.options] if run.options else [])
