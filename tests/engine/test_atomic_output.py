"""mmskd.utils.io.atomic_output: the final name gets a file only when the
writer finished; otherwise the old file (or nothing) stays."""
import os

import pytest

from mmskd.utils.io import atomic_output


def test_success_renames_the_temporary_file(tmp_path):
    out = tmp_path / 'sub' / 'model.pth'  # the folder is created
    with atomic_output(str(out)) as tmp:
        assert tmp == f'{out}.tmp.pth'  # keeps the extension
        assert not out.exists()
        with open(tmp, 'w') as f:
            f.write('new')
    assert out.read_text() == 'new'
    assert os.listdir(out.parent) == ['model.pth']


def test_failure_keeps_the_old_file_and_removes_the_partial_one(tmp_path):
    out = tmp_path / 'model.pth'
    out.write_text('old')
    with pytest.raises(RuntimeError, match='killed'):
        with atomic_output(str(out)) as tmp:
            with open(tmp, 'w') as f:
                f.write('half')
            raise RuntimeError('killed while writing')
    assert out.read_text() == 'old'
    assert os.listdir(tmp_path) == ['model.pth']


def test_block_that_removes_its_file_writes_nothing(tmp_path):
    out = tmp_path / 'model.onnx'
    with atomic_output(str(out), str(tmp_path / 'x.partial')) as tmp:
        assert tmp.endswith('x.partial')
        with open(tmp, 'w') as f:
            f.write('failed its check')
        os.remove(tmp)
    assert os.listdir(tmp_path) == []
