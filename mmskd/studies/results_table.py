"""Table II from finished runs: one row per method, mean ± std over seeds.

A run is a work dir holding the config MMEngine dumped there
(``<config name>.py``) and what ``tools/test.py --out-metrics`` wrote:
``test_video.json`` (the configs' test pipeline: softmax averaged over the
clips of each video) and/or ``test_clip.json`` (``--num-clips 1``). Runs are
grouped by the config's ``method_name`` and ``teacher_name``.
"""
import json
import os
import os.path as osp
import statistics
from dataclasses import dataclass
from glob import glob
from typing import Dict, List, Sequence, Tuple

from mmengine.config import Config

PROTOCOLS = dict(video='test_video.json', clip='test_clip.json')
METRICS = (('acc/top1', 'Top-1 (%)'), ('acc/top5', 'Top-5 (%)'),
           ('acc/mean1', 'Mean class acc. (%)'))
# For configs without method_name / teacher_name (e.g. Table I's).
DEFAULT_METHODS = dict(
    Recognizer3D='Baseline',
    KDRecognizer3D='KD',
    SelfKDRecognizer3D='Self-KD',
    SKDSRLRecognizer3D='SKD-SRL')
CROPS = dict(
    CenterCrop='1 centre crop', ThreeCrop='3 crops', TenCrop='10 crops')


@dataclass
class Run:
    """One finished run: its labels, test set and metrics per protocol."""
    work_dir: str
    method: str
    teacher: str
    test_set: str
    metrics: Dict[str, Dict[str, float]]  # protocol -> metric -> fraction
    views: Dict[str, str]  # protocol -> e.g. '10 clips x 1 centre crop'


def find_runs(paths: Sequence[str]) -> List[str]:
    """Directories under ``paths`` holding a test metrics file, in order."""
    runs: List[str] = []
    for path in paths:
        if not osp.isdir(path):
            raise FileNotFoundError(f'not a directory: {path}')
        for root, dirs, files in os.walk(path):
            dirs.sort()
            if set(files) & set(PROTOCOLS.values()) and root not in runs:
                runs.append(root)
    return runs


def load_run(work_dir: str) -> Run:
    """Read the dumped config and the metrics files of one run."""
    configs = sorted(glob(osp.join(work_dir, '*.py')))
    if len(configs) != 1:
        raise ValueError(f'{work_dir}: expected the one config MMEngine '
                         f'dumps there, found {configs}')
    cfg = Config.fromfile(configs[0], import_custom_modules=False)
    metrics, views = {}, {}
    for protocol, name in PROTOCOLS.items():
        if osp.isfile(osp.join(work_dir, name)):
            with open(osp.join(work_dir, name)) as f:
                metrics[protocol] = json.load(f)
            views[protocol] = _views(cfg, metrics[protocol], protocol)
    method, teacher = _labels(cfg)
    return Run(
        work_dir=work_dir,
        method=method,
        teacher=teacher,
        test_set=cfg.test_dataloader.dataset.get('ann_file', '?'),
        metrics=metrics,
        views=views)


def _labels(cfg: Config) -> Tuple[str, str]:
    """``method_name`` and ``teacher_name``, else guessed from the model."""
    model = cfg.model
    if model.type == 'KDRecognizer3D':
        teacher = f'R3D-{model.teacher.backbone.depth}'
    elif model.type in ('SelfKDRecognizer3D', 'SKDSRLRecognizer3D'):
        teacher = 'itself'
    else:
        teacher = 'None'
    return (cfg.get('method_name', DEFAULT_METHODS.get(model.type,
                                                       model.type)),
            cfg.get('teacher_name', teacher))


def _views(cfg: Config, metrics: dict, protocol: str) -> str:
    """'N clips x crops' of a test; the clip protocol is 1 clip by
    definition, the video one reads the config unless the JSON says."""
    steps = cfg.test_dataloader.dataset.pipeline
    clips = [s.get('num_clips', 1) for s in steps if 'SampleFrames' in s.type]
    crops = [CROPS[s.type] for s in steps if s.type in CROPS]
    n = 1 if protocol == 'clip' else metrics.get('num_clips', clips[0])
    return f'{n} clip{"s" * (n != 1)} x {crops[0] if crops else "no crop"}'


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (0 for a single value)."""
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return statistics.fmean(values), std


def summarize(runs: Sequence[Run], protocol: str) -> List[dict]:
    """One row per (method, teacher), in order of first appearance."""
    groups: Dict[Tuple[str, str], List[Run]] = {}
    for run in runs:
        if protocol in run.metrics:
            groups.setdefault((run.method, run.teacher), []).append(run)
    rows = []
    for (method, teacher), members in groups.items():
        row = dict(method=method, teacher=teacher, seeds=len(members))
        for key, _ in METRICS:
            values = [
                100 * r.metrics[protocol][key] for r in members
                if key in r.metrics[protocol]
            ]
            row[key] = mean_std(values) if len(values) == len(members) \
                else None
        rows.append(row)
    return rows


def format_table(runs: Sequence[Run], protocol: str) -> str:
    """The Markdown table of one protocol, with its protocol line."""
    used = [r for r in runs if protocol in r.metrics]
    test_sets = sorted({r.test_set for r in used})
    if len(test_sets) > 1:
        raise ValueError(f'runs were tested on different sets: {test_sets}')
    views = ' / '.join(sorted({r.views[protocol] for r in used}))
    kind = 'video accuracy (softmax averaged over the clips)' \
        if protocol == 'video' else 'clip accuracy'
    lines = [
        f'Protocol: {kind}, {views} per video, test set {test_sets[0]}; '
        'mean ± sample std over seeds.', '', '| Method | Teacher | ' +
        ' | '.join(h for _, h in METRICS) + ' | Seeds |',
        '|---|---|' + '---:|' * (len(METRICS) + 1)
    ]
    for row in summarize(used, protocol):
        cells = [_cell(row[key], row['seeds']) for key, _ in METRICS]
        lines.append(f'| {row["method"]} | {row["teacher"]} | ' +
                     ' | '.join(cells) + f' | {row["seeds"]} |')
    return '\n'.join(lines)


def _cell(stat, seeds: int) -> str:
    if stat is None:
        return '-'
    return f'{stat[0]:.1f}' + (f' ± {stat[1]:.1f}' if seeds > 1 else '')


def results_tables(paths: Sequence[str],
                   protocols: Sequence[str] = ('video', 'clip')) -> str:
    """Every requested protocol's table for the runs under ``paths``."""
    runs = [load_run(d) for d in find_runs(paths)]
    if not runs:
        raise FileNotFoundError(f'no {" or ".join(PROTOCOLS.values())} '
                                f'under {list(paths)}')
    tables = [
        format_table(runs, p) for p in protocols
        if any(p in r.metrics for r in runs)
    ]
    return '\n\n'.join(tables)


def seed_values(paths: Sequence[str], protocol: str = 'video',
                key: str = 'acc/top1') -> Dict[str, List[float]]:
    """Per method (row), every run's ``key`` in percent, in order."""
    values: Dict[str, List[float]] = {}
    for run in (load_run(d) for d in find_runs(paths)):
        if key in run.metrics.get(protocol, {}):
            values.setdefault(run.method, []).append(
                100 * run.metrics[protocol][key])
    return values
