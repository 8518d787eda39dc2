"""A study: rows (a config each), seeds, one schedule, and where its results
go. The studies that ship are in :data:`STUDIES`.

Every run of a study is ``tools/train.py`` with ``--seed S``, then
``tools/test.py`` on two checkpoints (the last epoch's, and the best by
validation top-1) under two protocols (video: 10 clips averaged; clip: one
centre clip). Its record, a small JSON file, goes to
``<results_dir>/<row>/seed<S>.json``: that file, committed, is what says a
run is done (:mod:`mmskd.studies.study_runner`).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

PROTOCOLS = dict(video=10, clip=1)  # test protocol -> clips per video
CHECKPOINTS = ('last', 'best')  # last epoch; best by validation top-1


@dataclass(frozen=True)
class Row:
    """One arm of a study.

    Args:
        name: Short id (work dir and results folder name).
        label: What the tables call it.
        config: Training config, relative to the repository root.
        seeds: Seeds to run.
        phase: Runs go phase by phase (seed-major inside a phase), so the
            decisive rows of every seed land before the extra ones.
        epoch_s: Prior seconds per epoch (train + validation) on the
            development machine, for the ETA until a run is measured.
        options: Extra ``--cfg-options`` of this row.
    """
    name: str
    label: str
    config: str
    seeds: Tuple[int, ...] = (0, 1, 2)
    phase: int = 1
    epoch_s: float = 30.0
    options: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Study:
    """Rows under one schedule on one dataset.

    Args:
        name: Id (``tools/analysis/run_study.py NAME``).
        title: Heading of its report.
        data_dir: The dataset folder (``train.txt``, ``val.txt``,
            ``test.txt``, ``classes.txt``), relative to the repository.
        prepare: The command that makes ``data_dir``, for error messages.
        rows: The arms.
        pairs: ``(a, b)`` row pairs whose per-seed differences a - b the
            report shows.
        options: ``--cfg-options`` of every run.
        notes: Lines of the report's set-up section.
        results_root: Where ``<name>/`` with the records and the report
            goes (committed). Defaults to ``docs/studies``.
        work_root_base: Where ``<name>/<row>/seed<S>`` work dirs go.
            Defaults to ``work_dirs/studies``.
    """
    name: str
    title: str
    data_dir: str
    prepare: str
    rows: Tuple[Row, ...]
    pairs: Tuple[Tuple[str, str], ...] = ()
    options: Tuple[str, ...] = ()
    notes: Tuple[str, ...] = field(default_factory=tuple)
    results_root: str = 'docs/studies'
    work_root_base: str = 'work_dirs/studies'

    @property
    def results_dir(self) -> str:
        return f'{self.results_root}/{self.name}'

    @property
    def work_root(self) -> str:
        return f'{self.work_root_base}/{self.name}'

    def row(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f'study {self.name} has no row {name!r}; rows: '
                       f'{[r.name for r in self.rows]}')


@dataclass(frozen=True)
class Run:
    """One training run of a study (one row, one seed)."""
    study: Study
    row: Row
    seed: int

    @property
    def name(self) -> str:
        return f'{self.row.name} seed{self.seed}'

    @property
    def work_dir(self) -> str:
        return f'{self.study.work_root}/{self.row.name}/seed{self.seed}'

    @property
    def record_path(self) -> str:
        return f'{self.study.results_dir}/{self.row.name}/seed{self.seed}.json'

    def options(self) -> List[str]:
        """``--cfg-options`` of training and testing."""
        data = self.study.data_dir
        opts = [opt for split in ('train', 'val', 'test') for opt in (
            f'{split}_dataloader.dataset.ann_file={data}/{split}.txt',
            f'{split}_dataloader.dataset.data_prefix.video={data}')]
        return opts + list(self.study.options) + list(self.row.options)


def plan(study: Study, rows: Optional[Sequence[str]] = None,
         seeds: Optional[Sequence[int]] = None) -> List[Run]:
    """The runs in order: phase by phase, seed by seed, rows in order."""
    chosen = [study.row(r) for r in rows] if rows else list(study.rows)
    runs = [Run(study, row, seed) for row in chosen for seed in row.seeds
            if seeds is None or seed in seeds]
    order = {row.name: k for k, row in enumerate(study.rows)}
    return sorted(runs, key=lambda r: (r.row.phase, r.seed, order[r.row.name]))


def _utd_mhad() -> Study:
    base = 'configs/baselines/r18_utd_mhad_depth.py'
    skd = 'configs/skd_srl/r18_utd_mhad_depth.py'
    return Study(
        name='utd_mhad',
        title='UTD-MHAD depth, cross-subject, R3D-18 from scratch',
        data_dir='data/utd_mhad',
        prepare='python tools/data/utd_mhad/prepare.py <Depth folder> '
        'data/utd_mhad',
        rows=(
            Row('baseline', 'Baseline (crop only)', base, epoch_s=27),
            Row('baseline_aug', 'Baseline + data augment',
                'configs/studies/r18_utd_mhad_depth_baseline_aug.py',
                epoch_s=28),
            Row('skd_srl', 'SKD-SRL', skd, epoch_s=72),
            # the two extra rows: 2 seeds (the 2-core budget)
            Row('skd_srl_proj_bn', 'SKD-SRL, projector output BN',
                'configs/studies/r18_utd_mhad_depth_skd_srl_proj_bn.py',
                seeds=(0, 1), phase=2, epoch_s=72),
            Row('skd_srl_crop_only', 'SKD-SRL, crop-only views',
                'configs/studies/r18_utd_mhad_depth_skd_srl_crop_only.py',
                seeds=(0, 1), phase=2, epoch_s=70),
            # a control the issue did not ask for, after everything it did:
            # SKD-SRL's two-view step with alpha = beta = 0
            Row('two_view_ce', 'Two views, CE only (alpha = beta = 0)',
                'configs/studies/r18_utd_mhad_depth_skd_srl_ce_only.py',
                seeds=(0, 1), phase=3, epoch_s=70),
            # and its compute-matched single-view counterpart: as many
            # clips per step and steps as the two-view rows, each clip
            # from a distinct video (32 videos per step, 160 epochs)
            Row('baseline_aug_clips_matched',
                'Baseline + data augment, clips matched (32 videos/step, '
                '160 epochs)',
                'configs/studies/'
                'r18_utd_mhad_depth_baseline_aug_clips_matched.py',
                seeds=(0, 1), phase=3, epoch_s=18),
        ),
        pairs=(('skd_srl', 'baseline_aug'), ('skd_srl', 'baseline'),
               ('baseline_aug', 'baseline'),
               ('skd_srl_proj_bn', 'skd_srl'),
               ('skd_srl_crop_only', 'skd_srl'),
               ('skd_srl', 'two_view_ce'),
               ('baseline_aug_clips_matched', 'baseline_aug'),
               ('two_view_ce', 'baseline_aug_clips_matched'),
               ('skd_srl', 'baseline_aug_clips_matched')),
    )


def _synthetic() -> Study:
    folder = 'configs/studies/r18_synthetic_demo_converged'
    return Study(
        name='synthetic',
        title='Synthetic set (320 test videos), R3D-18 from scratch, '
        'converged schedule',
        data_dir='data/synthetic_large',
        prepare='python tools/data/synthetic/generate.py '
        'data/synthetic_large --videos-per-class 80 --held-out 0.15 0.4',
        rows=(
            Row('baseline_aug', 'Baseline + data augment',
                f'{folder}_baseline_aug.py', epoch_s=21),
            Row('skd_srl', 'SKD-SRL', f'{folder}_skd_srl.py', epoch_s=40),
            # the UTD-MHAD study's compute control, after the rows
            Row('baseline_aug_clips_matched',
                'Baseline + data augment, clips matched (32 videos/step, '
                '120 epochs)', f'{folder}_baseline_aug_clips_matched.py',
                seeds=(0, 1), phase=2, epoch_s=21),
        ),
        pairs=(('skd_srl', 'baseline_aug'),
               ('baseline_aug_clips_matched', 'baseline_aug'),
               ('skd_srl', 'baseline_aug_clips_matched')),
    )


STUDIES: Dict[str, Study] = {s.name: s for s in (_utd_mhad(), _synthetic())}
