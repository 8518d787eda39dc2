"""Running a Table II plan (:mod:`mmskd.studies.table2_runner`): stage by
stage as subprocesses, each one's output appended to
``<work dir>/table2_<stage>.log``, progress and ETA through a callback.
"""
import json
import os
import os.path as osp
import re
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence

from mmskd.utils.io import write_json_atomic
from .table2_eta import (EPOCH_S, STAGE_S, TRAIN, Eta, budget_message, hhmm,
                         prior_s)
from .table2_runner import Run, command, epochs_done, stages_left

EPOCH_LINE = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')
TIMES = 'table2_time.json'  # seconds per stage, summed over invocations


class RunFailed(RuntimeError):
    """A stage's subprocess exited non-zero; ``log`` holds its output."""

    def __init__(self, message: str, log: str):
        super().__init__(message)
        self.log = log


@dataclass
class _Ctx:
    plan: Sequence[Run]
    repo: str
    report: Callable[[str], None]
    eta: Eta
    budget_s: Optional[float]
    every_s: float
    told: bool = False


def execute(plan: Sequence[Run], repo: str = '.',
            report: Callable[[str], None] = lambda msg: None,
            budget_s: Optional[float] = None, every_s: float = 30.0) -> None:
    """Run what is left of ``plan``; progress lines go to ``report``
    (at most one per ``every_s`` seconds within an epoch).

    Raises:
        RunFailed: a subprocess failed (the plan can be resumed).
    """
    todo = [(run, stages_left(run, repo)) for run in plan]
    eta = Eta(sum(prior_s(r, s, epochs_done(r, repo)) for r, s in todo))
    ctx = _Ctx(plan, repo, report, eta, budget_s, every_s)
    for k, (run, stages) in enumerate(todo, 1):
        head = f'[{k}/{len(plan)}] {run.name}'
        if not stages:
            report(f'{head}: done before, skipped')
            continue
        start = time.monotonic()
        for stage in stages:
            _stage(ctx, run, stage, head)
        report(f'{head}: done in {hhmm(time.monotonic() - start)}, '
               f'ETA {hhmm(eta.left())}')


def _stage(ctx: _Ctx, run: Run, stage: str, head: str) -> None:
    done = epochs_done(run, ctx.repo) if stage == 'resume' else 0
    prior = prior_s(run, [stage], done)
    what = f'test, {stage} protocol' if stage not in TRAIN else \
        f'{stage} from epoch {done}' if done else stage
    ctx.report(f'{head}: {what}, ETA {hhmm(ctx.eta.left())}')
    start = time.monotonic()
    on_line = _progress(ctx, run, head, start, done) \
        if stage in TRAIN else (lambda line: None)
    name = 'train' if stage in TRAIN else stage
    log = osp.join(ctx.repo, run.work_dir, f'table2_{name}.log')
    if stream(command(run, stage), log, ctx.repo, on_line):
        raise RunFailed(f'{run.name}: {stage} failed, see {log}', log)
    elapsed = time.monotonic() - start
    ctx.eta.finish(prior, elapsed)
    record_time(osp.join(ctx.repo, run.work_dir), name, elapsed)
    if stage in TRAIN and not ctx.told:
        ctx.told = True
        ctx.report(budget_message(ctx.plan, run, elapsed, run.epochs - done,
                                  ctx.eta.scale(), ctx.budget_s))


def _progress(ctx: _Ctx, run: Run, head: str, start: float,
              done: int) -> Callable[[str], None]:
    last = dict(epoch=-1, at=0.0)

    def on_line(line: str) -> None:
        match = EPOCH_LINE.search(line)
        now = time.monotonic()
        if not match or (int(match.group(1)) == last['epoch']
                         and now - last['at'] < ctx.every_s):
            return
        epoch, i, n = map(int, match.groups())
        last.update(epoch=epoch, at=now)
        part = STAGE_S['train'] + EPOCH_S[run.row] * (epoch - 1 - done + i / n)
        ctx.report(f'{head}: epoch {epoch}/{run.epochs}, '
                   f'ETA {hhmm(ctx.eta.left(now - start, part))}')
    return on_line


def stream(cmd: List[str], log_path: str, repo: str,
           on_line: Callable[[str], None]) -> int:
    """Run ``cmd`` in ``repo``, its output appended to ``log_path`` and
    passed line by line to ``on_line``; returns the exit status."""
    os.makedirs(osp.dirname(log_path), exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    with open(log_path, 'a') as log:
        log.write('+ ' + ' '.join(cmd) + '\n')
        log.flush()
        with subprocess.Popen(cmd, cwd=repo, env=env, text=True, bufsize=1,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) as proc:
            for line in proc.stdout:
                log.write(line)
                on_line(line)
            return proc.wait()


def record_time(work_dir: str, stage: str, seconds: float) -> None:
    """Add ``seconds`` to the stage's total in ``<work_dir>/TIMES``."""
    times, path = read_times(work_dir), osp.join(work_dir, TIMES)
    times[stage] = times.get(stage, 0.0) + seconds
    write_json_atomic(path, times)


def read_times(work_dir: str) -> dict:
    """Seconds per stage recorded in ``work_dir`` (empty if none)."""
    path = osp.join(work_dir, TIMES)
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        return json.load(f)
