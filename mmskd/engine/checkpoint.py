"""Crash-safe checkpoint files for mmengine 0.10.7 (applied by ``apply()``).

mmengine writes a checkpoint with ``open(path, 'wb')`` straight to its final
name and auto-resume trusts whatever ``last_checkpoint`` names, so a kill
during a write leaves a truncated ``epoch_N.pth`` that ``--resume`` then
fails on. Two fixes, both local to checkpoint I/O:

* writes go to ``<path>.tmp`` in the same directory, are fsynced, then
  ``os.replace``-d (atomic on POSIX): the final name only ever holds a
  complete file;
* auto-resume checks the file it is about to use (zip directory and CRCs)
  and, if it is missing or incomplete, falls back to the newest complete
  ``epoch_*.pth`` / ``iter_*.pth``, logging what it skipped.
"""
import logging
import os
import os.path as osp
import re
import zipfile
from typing import Callable, List, Optional

import torch
from mmengine.logging import print_log

_NUMBERED = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def checkpoint_problem(path: str) -> Optional[str]:
    """Why ``path`` is not a complete torch checkpoint, or None if it is."""
    if not osp.isfile(path):
        return 'missing'
    if osp.getsize(path) == 0:
        return 'empty'
    if zipfile.is_zipfile(path):  # torch >= 1.6 format: CRC per record
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            return f'corrupt zip ({err})'
        return None if bad is None else f'CRC mismatch in {bad}'
    try:  # legacy format: only a full (weights-only, so inert) load tells
        torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # noqa: BLE001  any failure means unusable
        return f'truncated or unreadable ({type(err).__name__})'
    return None


def _numbered_checkpoints(work_dir: str) -> List[str]:
    """``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir``, newest step first."""
    found = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        match = _NUMBERED.match(name)
        if match:
            found.append((int(match.group(2)), osp.join(work_dir, name)))
    return [path for _, path in sorted(found, reverse=True)]


def _read_pointer(pointer: str) -> Optional[str]:
    """The path in ``last_checkpoint``; None if absent or empty (a kill
    while CheckpointHook rewrote it)."""
    if not osp.isfile(pointer):
        return None
    with open(pointer) as f:
        return f.read().strip() or None


def find_latest_complete_checkpoint(work_dir: str) -> Optional[str]:
    """Drop-in for mmengine's ``find_latest_checkpoint`` that never returns
    an incomplete file.

    Tries the file named by ``last_checkpoint`` first (mmengine's choice),
    then numbered checkpoints from newest to oldest.

    Returns:
        The checkpoint to resume from, or None if the work dir holds none
        (training then starts from scratch, as in mmengine).

    Raises:
        RuntimeError: checkpoints exist but none of them is complete.
    """
    named = _read_pointer(osp.join(work_dir, 'last_checkpoint'))
    candidates = [named] if named else []
    candidates += [p for p in _numbered_checkpoints(work_dir) if p != named]
    skipped = []
    for path in candidates:
        problem = checkpoint_problem(path)
        if problem is None:
            if skipped:
                print_log(f'Resume: skipped incomplete checkpoint(s) '
                          f'{"; ".join(skipped)}; falling back to the last '
                          f'complete checkpoint {path}', logger='current',
                          level=logging.WARNING)
            return path
        skipped.append(f'{path} ({problem})')
    if skipped:
        raise RuntimeError(f'no complete checkpoint to resume from in '
                           f'{work_dir}: {"; ".join(skipped)}')
    print_log(f'Resume: no checkpoint in {work_dir}, starting from scratch',
              logger='current')
    return None


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_save(original: Callable) -> Callable:
    """Wrap mmengine's ``save_checkpoint`` to write local files atomically."""

    def save_checkpoint(checkpoint, filename, file_client_args=None,
                        backend_args=None):
        remote = '://' in str(filename) or file_client_args is not None \
            or (backend_args or {}).get('backend', 'local') != 'local'
        if remote:  # object stores have their own atomic put
            return original(checkpoint, filename, file_client_args,
                            backend_args)
        filename = str(filename)
        tmp = f'{filename}.tmp'  # same dir: os.replace must not cross mounts
        try:
            original(checkpoint, tmp)
            _fsync(tmp)  # the data reaches disk before the name points at it
            os.replace(tmp, filename)
        except BaseException:
            # e.g. a full disk: the partial file goes, the old one stays
            if osp.exists(tmp):
                os.remove(tmp)
            raise
        _fsync(osp.dirname(osp.abspath(filename)))

    save_checkpoint._mmskd_atomic = True
    return save_checkpoint


def apply() -> None:
    """Install both fixes into mmengine (idempotent).

    ``Runner``, ``FlexibleRunner`` and ``CheckpointHook`` look the functions
    up as module globals, so each module that holds a reference is patched.
    """
    import mmengine.runner as mm_runner
    from mmengine.runner import _flexible_runner, checkpoint, runner
    if getattr(checkpoint.save_checkpoint, '_mmskd_atomic', False):
        return
    patches = dict(save_checkpoint=atomic_save(checkpoint.save_checkpoint),
                   find_latest_checkpoint=find_latest_complete_checkpoint)
    for module in (checkpoint, mm_runner, runner, _flexible_runner):
        for name, function in patches.items():
            if hasattr(module, name):
                setattr(module, name, function)
