"""Atomic file writes shared by the tools: a killed run leaves either the old
file or the complete new one, never a partial file."""
import contextlib
import json
import os
import os.path as osp
import tempfile
from glob import glob
from typing import Iterator, Optional


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that readers never see a partial file.

    The data go to a temporary file in the same directory (same filesystem,
    so ``os.replace`` is an atomic rename) and are fsync'ed before the rename:
    a run killed at any moment leaves either the old file or the new one.
    """
    folder = osp.dirname(osp.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=osp.basename(path) + '.', suffix='.tmp', dir=folder)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='\n') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def write_json_atomic(path: str, obj: dict) -> None:
    """Atomically write ``obj`` as indented JSON."""
    write_text_atomic(path, json.dumps(obj, indent=2, sort_keys=False) + '\n')


@contextlib.contextmanager
def atomic_output(path: str, tmp: Optional[str] = None) -> Iterator[str]:
    """A temporary path for a writer that cannot write to a file object
    (``torch.save`` to a name, an encoder, an exporter): ``path`` gets the
    file only if the block ends without an exception.

    ``tmp`` (default ``PATH.tmp.EXT``, keeping the extension that some
    writers pick the format by) is in ``path``'s folder, so the final
    ``os.replace`` is an atomic rename; on an exception it is removed and
    ``path`` is left as it was. A block may also remove ``tmp`` itself to
    write nothing.
    """
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = tmp or f'{path}.tmp{osp.splitext(path)[1]}'
    try:
        yield tmp
        if osp.exists(tmp):
            os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def find_checkpoint(path: str) -> str:
    """A checkpoint file as given, or the best (else latest) in a work dir."""
    if osp.isfile(path):
        return path
    if not osp.isdir(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    best = sorted(glob(osp.join(path, 'best_*.pth')), key=osp.getmtime)
    if best:
        return best[-1]
    last = osp.join(path, 'last_checkpoint')
    if osp.isfile(last):
        with open(last) as f:
            return f.read().strip()
    raise FileNotFoundError(f'no best_*.pth and no last_checkpoint in {path}')
