"""The code passes flake8 with setup.cfg's settings (79 columns)."""
import subprocess
import sys

from conftest import REPO_ROOT


def test_flake8_is_clean():
    proc = subprocess.run(
        [sys.executable, '-m', 'flake8', 'mmskd', 'tools', 'tests', 'configs',
         'setup.py'],
        cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
