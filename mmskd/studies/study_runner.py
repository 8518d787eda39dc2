"""Run a study's plan run by run, resumably, with an ETA.

A run with a record file is done and skipped. Otherwise its work dir says
what is left: training (from scratch, or ``--resume`` from its checkpoints
when some are there), then the tests whose metrics files are missing; then
the record is written (atomically). Stages are the ordinary tools in
subprocesses, their output appended to ``<work dir>/study_<stage>.log``.
"""
import datetime
import json
import os
import os.path as osp
import platform
import re
import subprocess
import sys
import time
from glob import glob
from typing import Callable, Dict, List, Optional, Sequence

from mmengine.config import Config, DictAction

from mmskd.utils.io import write_json_atomic
from mmskd.utils.scalars import epoch_log
from . import study_record as rec
from .spec import CHECKPOINTS, PROTOCOLS, Run
from .table2_eta import hhmm
from .table2_exec import RunFailed, read_times, record_time, stream

EPOCH_END = re.compile(r'Epoch\(val\)\s*\[(\d+)\]')
TEST_S = 200.0  # prior seconds of a run's five tests on 2 CPU cores
# Keep the last epoch's checkpoint (and the best); the records need no more.
TRAIN_OPTIONS = ('default_hooks.checkpoint.max_keep_ckpts=1', )


def run_config(run: Run, repo: str = '.') -> Config:
    """The run's config with its ``--cfg-options`` applied."""
    cfg = Config.fromfile(osp.join(repo, run.row.config))
    parse = DictAction._parse_iterable
    cfg.merge_from_dict({k: parse(v) for k, v in (
        opt.split('=', 1) for opt in run.options() + list(TRAIN_OPTIONS))})
    return cfg


def epochs_of(run: Run, repo: str = '.') -> int:
    return int(run_config(run, repo).train_cfg.max_epochs)


def is_recorded(run: Run, repo: str = '.') -> bool:
    return osp.isfile(osp.join(repo, run.record_path))


def epochs_done(run: Run, repo: str = '.') -> int:
    found = [re.search(r'epoch_(\d+)\.pth$', p)
             for p in glob(osp.join(repo, run.work_dir, 'epoch_*.pth'))]
    return max((int(m.group(1)) for m in found if m), default=0)


# (checkpoint, protocol, list): the four test results, and how well the
# final model fits its own training videos (video protocol, eval mode)
TESTS = tuple((c, p, 'test') for c in CHECKPOINTS for p in PROTOCOLS) + (
    ('last', 'video', 'train'), )


def test_path(run: Run, ckpt: str, protocol: str, split: str = 'test') -> str:
    tail = '' if split == 'test' else f'_{split}'
    return f'{run.work_dir}/test_{ckpt}_{protocol}{tail}.json'


def dump_path(run: Run, ckpt: str, protocol: str) -> str:
    """The ``--dump`` of a test-list test: per-video scores, which the
    record keeps as predicted labels for the report's test-video
    bootstrap."""
    return f'{run.work_dir}/pred_{ckpt}_{protocol}.pkl'


def train_command(run: Run, resume: bool) -> List[str]:
    return [sys.executable, 'tools/train.py', run.row.config, '--work-dir',
            run.work_dir, '--seed', str(run.seed)] + \
        ['--resume'] * resume + ['--cfg-options', *TRAIN_OPTIONS,
                                 *run.options()]


def test_command(run: Run, checkpoint: str, ckpt: str, protocol: str,
                 split: str = 'test') -> List[str]:
    data = [] if split == 'test' else [
        f'test_dataloader.dataset.ann_file={run.study.data_dir}/{split}.txt']
    dump = ['--dump', dump_path(run, ckpt, protocol)] * (split == 'test')
    return [sys.executable, 'tools/test.py', run.row.config, checkpoint,
            '--work-dir',
            f'{run.work_dir}/test_logs/{ckpt}_{protocol}_{split}',
            '--num-clips', str(PROTOCOLS[protocol]), '--out-metrics',
            test_path(run, ckpt, protocol, split), *dump, '--cfg-options',
            *run.options(), *data]


class Clock:
    """Seconds per epoch by row: measured (records and this invocation)
    replaces the row's prior."""

    def __init__(self, runs: Sequence[Run], repo: str) -> None:
        self.repo, self.epoch_s, self.test_s = repo, {}, TEST_S
        for run in runs:
            if is_recorded(run, repo):
                with open(osp.join(repo, run.record_path)) as f:
                    done = json.load(f)
                self.epoch_s[run.row.name] = done['train_s'] / done['epochs']

    def per_epoch(self, run: Run) -> float:
        return self.epoch_s.get(run.row.name, run.row.epoch_s)

    def left(self, run: Run, epochs: int, done: int, tests_left: int) -> float:
        return self.per_epoch(run) * max(epochs - done, 0) + \
            self.test_s * tests_left / len(TESTS)


def execute(runs: Sequence[Run], repo: str = '.',
            report: Callable[[str], None] = print,
            max_runs: int = 0,
            on_recorded: Optional[Callable[[Run], None]] = None) -> int:
    """Do what is left of ``runs``; returns how many were recorded now.

    ``on_recorded(run)`` is called as each run's record lands (the driver
    rewrites the report there, so that an invocation stopped between runs
    leaves a report that matches the committed records).

    Raises:
        RunFailed: a stage failed (run the same plan again to resume).
    """
    clock = Clock(runs, repo)
    epochs = {r.row.name: epochs_of(r, repo) for r in runs}
    todo = [r for r in runs if not is_recorded(r, repo)]
    report(f'{len(runs) - len(todo)} of {len(runs)} runs recorded before; '
           f'{len(todo)} to do, ETA {hhmm(_left(clock, todo, epochs, repo))}'
           ' (hh:mm)')
    recorded = 0
    for k, run in enumerate(todo, 1):
        if max_runs and recorded >= max_runs:
            break
        head = f'[{k}/{len(todo)}] {run.name}'
        _train(run, epochs[run.row.name], clock, head, repo, report,
               lambda: _left(clock, todo[k:], epochs, repo))
        _tests(run, epochs[run.row.name], head, repo, report)
        record = build_record(run, epochs[run.row.name], repo)
        write_json_atomic(osp.join(repo, run.record_path), record)
        clock.epoch_s[run.row.name] = record['train_s'] / record['epochs']
        recorded += 1
        if on_recorded is not None:
            on_recorded(run)
        report(f'{head}: recorded {run.record_path} (video top-1 last '
               f'{100 * record["test"]["last"]["video"]["top1"]:.1f}, best-'
               f'by-val {100 * record["test"]["best"]["video"]["top1"]:.1f});'
               f' study ETA {hhmm(_left(clock, todo[k:], epochs, repo))}')
    return recorded


def _left(clock: Clock, runs: Sequence[Run], epochs: Dict[str, int],
          repo: str) -> float:
    return sum(clock.left(r, epochs[r.row.name], epochs_done(r, repo),
                          len(TESTS))
               for r in runs)


def _train(run: Run, epochs: int, clock: Clock, head: str, repo: str,
           report: Callable[[str], None], rest: Callable[[], float]) -> None:
    done = epochs_done(run, repo)
    if done >= epochs:
        return
    resume = done > 0 or osp.isfile(osp.join(repo, run.work_dir,
                                             'last_checkpoint'))
    report(f'{head}: {"resume from epoch %d" % done if resume else "train"}'
           f', {epochs} epochs, ~{clock.per_epoch(run):.0f} s/epoch')
    start = time.monotonic()

    def on_line(line: str) -> None:
        match = EPOCH_END.search(line)
        if not match:
            return
        epoch = int(match.group(1))
        per = (time.monotonic() - start) / max(epoch - done, 1)
        clock.epoch_s[run.row.name] = per
        report(f'{head}: epoch {epoch}/{epochs} ({per:.0f} s/epoch), run '
               f'ETA {hhmm(clock.left(run, epochs, epoch, len(TESTS)))}, '
               'study ETA '
               f'{hhmm(clock.left(run, epochs, epoch, len(TESTS)) + rest())}')
    log = osp.join(repo, run.work_dir, 'study_train.log')
    if stream(train_command(run, resume), log, repo, on_line):
        raise RunFailed(f'{run.name}: training failed, see {log}', log)
    record_time(osp.join(repo, run.work_dir), 'train',
                time.monotonic() - start)


def _tests(run: Run, epochs: int, head: str, repo: str,
           report: Callable[[str], None]) -> None:
    work = osp.join(repo, run.work_dir)
    paths = dict(last=rec.last_checkpoint(work, epochs),
                 best=rec.best_checkpoint(work)[0])
    for ckpt, protocol, split in TESTS:
        if osp.isfile(osp.join(repo, test_path(run, ckpt, protocol, split))) \
                and (split != 'test' or osp.isfile(
                    osp.join(repo, dump_path(run, ckpt, protocol)))):
            continue
        report(f'{head}: test {ckpt} checkpoint, {protocol} protocol, '
               f'{split} list')
        start = time.monotonic()
        log = osp.join(work, 'study_test.log')
        cmd = test_command(run, osp.relpath(paths[ckpt], repo), ckpt,
                           protocol, split)
        if stream(cmd, log, repo, lambda line: None):
            raise RunFailed(f'{run.name}: test failed, see {log}', log)
        record_time(work, 'test', time.monotonic() - start)


def build_record(run: Run, epochs: int, repo: str = '.') -> dict:
    """The committed summary of a finished, tested run."""
    work = osp.join(repo, run.work_dir)
    log = epoch_log(work)
    _, best_epoch = rec.best_checkpoint(work)
    times = read_times(work)
    data = osp.join(repo, run.study.data_dir)
    return dict(
        study=run.study.name, row=run.row.name, label=run.row.label,
        seed=run.seed, config=run.row.config, options=run.options(),
        epochs=epochs, best_epoch=best_epoch,
        sizes={s: rec.count_lines(osp.join(data, f'{s}.txt'))
               for s in ('train', 'val', 'test')},
        train_s=round(times.get('train', 0.0), 1),
        test_s=round(times.get('test', 0.0), 1), machine=machine(),
        commit=_commit(repo),
        finished=datetime.datetime.now().isoformat(timespec='seconds'),
        final=log[-1] if log else {},
        test={ckpt: {p: rec.test_metrics(osp.join(
            repo, test_path(run, ckpt, p))) for p in PROTOCOLS}
            for ckpt in CHECKPOINTS},
        # the final model on its own training videos (video protocol)
        train_fit=rec.test_metrics(osp.join(
            repo, test_path(run, 'last', 'video', 'train'))),
        predictions=predictions(run, repo),
        epoch_log=log)


def predictions(run: Run, repo: str = '.') -> dict:
    """The test videos' labels and each test's predicted labels, in list
    order, as space-separated class indices (``labels``, then
    ``<ckpt>.<protocol>``), read from the ``--dump`` files.

    Raises:
        ValueError: a dump disagrees with its metrics file (another
            evaluation, or another list) or with the other dumps' labels.
    """
    from mmskd.visualization.confusion import read_dump
    out: dict = {}
    for ckpt in CHECKPOINTS:
        for protocol in PROTOCOLS:
            path = osp.join(repo, dump_path(run, ckpt, protocol))
            labels, scores = read_dump(path)
            predicted = scores.argmax(1)
            top1 = rec.test_metrics(osp.join(
                repo, test_path(run, ckpt, protocol)))['top1']
            if abs((predicted == labels).mean() - top1) > 0.5 / len(labels):
                raise ValueError(
                    f'{path}: top-1 {(predicted == labels).mean():.4f} '
                    f'differs from {test_path(run, ckpt, protocol)} '
                    f'({top1:.4f})')
            text = ' '.join(map(str, labels.tolist()))
            if out.setdefault('labels', text) != text:
                raise ValueError(f'{path}: its labels differ from the other '
                                 f'tests\' of {run.name}')
            out[f'{ckpt}.{protocol}'] = ' '.join(map(str, predicted.tolist()))
    return out


def add_predictions(runs: Sequence[Run], repo: str = '.',
                    report: Callable[[str], None] = print) -> int:
    """Give recorded runs without ``predictions`` theirs: test their
    checkpoints again with ``--dump`` (the first records had none), check
    that each test reproduces the recorded top-1, and rewrite the record
    (atomically). Returns how many records gained them."""
    added = 0
    for run in runs:
        path = osp.join(repo, run.record_path)
        if not is_recorded(run, repo):
            continue
        with open(path) as f:
            record = json.load(f)
        if 'predictions' in record:
            continue
        work = osp.join(repo, run.work_dir)
        if not glob(osp.join(work, 'best_*.pth')):
            report(f'{run.name}: no checkpoints in {run.work_dir}; its '
                   'record keeps no predictions')
            continue
        _tests(run, record['epochs'], run.name, repo, report)
        found = predictions(run, repo)
        for ckpt in CHECKPOINTS:
            for protocol in PROTOCOLS:
                now = rec.test_metrics(osp.join(
                    repo, test_path(run, ckpt, protocol)))['top1']
                if abs(now - record['test'][ckpt][protocol]['top1']) > 1e-9:
                    raise ValueError(
                        f'{run.name}: testing the {ckpt} checkpoint again '
                        f'({protocol}) gave top-1 {now:.4f}, the record says '
                        f'{record["test"][ckpt][protocol]["top1"]:.4f}')
        keys = list(record)
        record['predictions'] = found
        if 'epoch_log' in keys:  # keep the long log last
            record['epoch_log'] = record.pop('epoch_log')
        write_json_atomic(path, record)
        added += 1
        report(f'{run.name}: predictions added to {run.record_path}')
    return added


def machine() -> str:
    """CPU model, usable cores, torch version, GPU if any."""
    import torch
    try:
        out = subprocess.run(['lscpu'], capture_output=True,
                             text=True).stdout
    except OSError:
        out = ''
    model = next((ln.split(':', 1)[1].strip() for ln in out.splitlines()
                  if ln.startswith('Model name')), platform.processor())
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() \
        else 'no GPU'
    return (f'{model or "unknown CPU"}, {len(os.sched_getaffinity(0))} '
            f'cores, torch {torch.__version__}, {gpu}')


def _commit(repo: str) -> str:
    try:
        return subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
                              cwd=repo, capture_output=True,
                              text=True).stdout.strip()
    except OSError:
        return ''
