"""Atomic checkpoint writes and auto-resume that skips incomplete files
(mmskd/engine/checkpoint.py; docs/reliability.md, section 2)."""
import logging
import subprocess
import sys
import textwrap

import mmengine.runner.runner as mm_runner_module
import pytest
import torch
from mmengine.logging import MMLogger

from mmskd.engine import checkpoint as ckpt

CHILD = '''
import importlib.util, os, signal, sys, torch
from mmengine.fileio.backends import local_backend
from mmengine.runner import checkpoint as mm_checkpoint
if sys.argv[2] == 'atomic':  # the module alone (no mmaction import)
    spec = importlib.util.spec_from_file_location('ck', sys.argv[3])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.apply()

def put_then_die(self, obj, filepath):  # the kill lands mid-write
    with open(filepath, 'wb') as f:
        f.write(obj[:len(obj) // 2])
        f.flush()
    os.kill(os.getpid(), signal.SIGKILL)

local_backend.LocalBackend.put = put_then_die
mm_checkpoint.save_checkpoint({'w': torch.ones(200000)}, sys.argv[1])
'''


def _good(path, value=1.0):
    torch.save({'state_dict': {'w': torch.full((1000, ), value)}}, path)


def _work_dir(tmp_path, pointer='epoch_2.pth'):
    _good(tmp_path / 'epoch_1.pth')
    _good(tmp_path / 'epoch_2.pth', 2.0)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / pointer))
    return tmp_path


@pytest.fixture
def warnings_seen():
    seen = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield seen
    logger.removeHandler(handler)


@pytest.mark.parametrize('mode', ['atomic', 'stock'])
def test_kill_during_write_never_leaves_a_partial_final_file(tmp_path, mode):
    work = _work_dir(tmp_path)
    target = work / 'epoch_3.pth'
    done = subprocess.run([sys.executable, '-c', textwrap.dedent(CHILD),
                           str(target), mode, ckpt.__file__])
    assert done.returncode == -9  # really SIGKILLed mid-write
    if mode == 'atomic':
        assert not target.exists()
        assert ckpt.checkpoint_problem(f'{target}.tmp') is not None
    else:  # mmengine alone: the final name holds half a file
        assert ckpt.checkpoint_problem(str(target)) is not None


def test_atomic_save_writes_a_complete_file_and_no_tmp(tmp_path):
    from mmengine.runner.checkpoint import save_checkpoint
    ckpt.atomic_save(save_checkpoint)({'w': torch.ones(3)}, tmp_path / 'a.pth')
    assert [p.name for p in tmp_path.iterdir()] == ['a.pth']
    assert ckpt.checkpoint_problem(str(tmp_path / 'a.pth')) is None


def test_failed_write_removes_its_partial_file_and_keeps_the_old(tmp_path):
    """A write that fails part-way (here: ENOSPC after half the bytes, as a
    full disk does) raises, leaves no .tmp behind and the old file intact."""
    from mmengine.runner.checkpoint import save_checkpoint
    target = tmp_path / 'a.pth'
    ckpt.atomic_save(save_checkpoint)({'w': torch.ones(3)}, target)
    before = target.read_bytes()

    def half_then_full_disk(checkpoint, filename, *args):
        with open(filename, 'wb') as f:
            f.write(before[:len(before) // 2])
        raise OSError(28, 'No space left on device')

    with pytest.raises(OSError, match='No space'):
        ckpt.atomic_save(half_then_full_disk)({'w': torch.zeros(3)}, target)
    assert [p.name for p in tmp_path.iterdir()] == ['a.pth']
    assert target.read_bytes() == before


def test_truncated_last_checkpoint_falls_back_with_a_log_line(
        tmp_path, warnings_seen):
    work = _work_dir(tmp_path)
    data = (work / 'epoch_2.pth').read_bytes()
    (work / 'epoch_2.pth').write_bytes(data[:len(data) // 2])
    found = ckpt.find_latest_complete_checkpoint(str(work))
    assert found == str(work / 'epoch_1.pth')
    assert any('epoch_2.pth' in m and 'falling back' in m and
               'epoch_1.pth' in m for m in warnings_seen), warnings_seen


def test_flipped_byte_is_caught_by_the_crc(tmp_path):
    work = _work_dir(tmp_path)
    data = bytearray((work / 'epoch_2.pth').read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the tensor bytes
    (work / 'epoch_2.pth').write_bytes(bytes(data))
    assert 'CRC' in ckpt.checkpoint_problem(str(work / 'epoch_2.pth'))
    assert ckpt.find_latest_complete_checkpoint(str(work)).endswith(
        'epoch_1.pth')


@pytest.mark.parametrize('pointer', ['epoch_9.pth', ''])
def test_pointer_to_missing_file_or_empty_pointer(tmp_path, pointer):
    work = _work_dir(tmp_path, pointer)
    if not pointer:
        (work / 'last_checkpoint').write_text('')  # killed while writing it
    assert ckpt.find_latest_complete_checkpoint(str(work)).endswith(
        'epoch_2.pth')  # newest complete numbered checkpoint


def test_valid_pointer_is_kept_and_nothing_is_logged(tmp_path, warnings_seen):
    work = _work_dir(tmp_path, 'epoch_1.pth')  # mmengine's choice stands
    assert ckpt.find_latest_complete_checkpoint(str(work)).endswith(
        'epoch_1.pth')
    assert not [m for m in warnings_seen if 'falling back' in m]


def test_no_complete_checkpoint_is_an_error_and_none_is_none(tmp_path):
    assert ckpt.find_latest_complete_checkpoint(str(tmp_path)) is None
    (tmp_path / 'epoch_1.pth').write_bytes(b'PK\x03\x04 truncated')
    with pytest.raises(RuntimeError, match='no complete checkpoint'):
        ckpt.find_latest_complete_checkpoint(str(tmp_path))


def test_import_mmskd_installs_both_fixes():
    # Wired in mmskd.compat.apply_all(); Runner looks both names up here.
    assert getattr(mm_runner_module.save_checkpoint, '_mmskd_atomic', False)
    assert mm_runner_module.find_latest_checkpoint is \
        ckpt.find_latest_complete_checkpoint
