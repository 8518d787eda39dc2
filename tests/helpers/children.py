"""Start, pause-and-kill and finish ``tools/train.py`` children; compare
their checkpoints."""
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import torch

from .probes import PAUSE_ENV
from .tiny_run import REPO, child_env, train_cmd


def start(config: Path, work: Path, log: Path, extra_args: Sequence = (),
          pause_before_iter: Optional[int] = None) -> subprocess.Popen:
    """Start tools/train.py; it pauses before that (0-based) iteration."""
    env = child_env() if pause_before_iter is None else child_env(
        **{PAUSE_ENV: str(pause_before_iter)})
    with open(log, 'w') as out:  # the child keeps its own descriptor
        return subprocess.Popen(train_cmd(config, work, list(extra_args)),
                                cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT, env=env)


def kill_when_paused(proc: subprocess.Popen, work: Path, log: Path) -> None:
    """SIGKILL the child once it has reached its pause point."""
    deadline = time.time() + 150
    while not (work / 'paused').exists():
        assert proc.poll() is None, log.read_text()[-3000:]
        assert time.time() < deadline, 'child never reached the kill point'
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def finish(proc: subprocess.Popen, log: Path) -> str:
    """Wait for a child; fail with its log tail unless it exits 0."""
    assert proc.wait(timeout=300) == 0, log.read_text()[-3000:]
    return log.read_text()


def batch_records(work: Path, first_iter: int = 0) -> List[tuple]:
    """(iter, rank, inputs digest, loss) of the last process that wrote
    ``batches.jsonl`` (see ``RecordBatchHook``), from ``first_iter`` on."""
    rows = [json.loads(x) for x in (work / 'batches.jsonl').open()]
    last = rows[-1]['pid']
    return [(r['iter'], r['rank'], r['inputs'], r['loss']) for r in rows
            if r['pid'] == last and r['iter'] >= first_iter]


def scalars(work: Path, key: str) -> List[Dict]:
    """Records of ``vis_data/scalars.json`` holding ``key``, all runs of the
    work dir in time order."""
    rows = []
    for path in sorted(work.glob('*/vis_data/scalars.json')):
        rows += [json.loads(x) for x in path.open() if f'"{key}"' in x]
    return rows


def differing_tensors(a, b, atol: float = 0.0) -> List[str]:
    """Paths of the entries of two nested checkpoints that differ (tensors:
    bitwise when ``atol`` is 0, else by more than ``atol``)."""
    if isinstance(a, torch.Tensor):
        same = torch.equal(a, b) if atol == 0 else torch.allclose(
            a.double(), b.double(), rtol=0, atol=atol)
        return [] if same else ['']
    if isinstance(a, dict):
        assert a.keys() == b.keys(), (a.keys(), b.keys())
        return [f'{k}.{d}' for k in a
                for d in differing_tensors(a[k], b[k], atol)]
    if isinstance(a, (list, tuple)):
        return [f'{i}.{d}' for i, (x, y) in enumerate(zip(a, b))
                for d in differing_tensors(x, y, atol)]
    return [] if a == b else ['(value)']
