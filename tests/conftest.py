"""Shared fixtures. ``../shared`` (real clips) exists on developer machines and
in CI but not in a user's clone: tests that need it skip with a reason."""
import os
from pathlib import Path

import pytest

import mmskd  # noqa: F401  (registers components, applies stack fixes)

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get('MMSKD_SHARED', REPO_ROOT.parent / 'shared'))
REAL_CLIPS = SHARED / 'data' / 'real-clips'


def real_clips_dir(name: str) -> Path:
    """Path of one real-clips folder, or skip the test with the reason."""
    path = REAL_CLIPS / name
    if not path.is_dir():
        pytest.skip(f'real clips not available: {path} is absent (only '
                    'developer machines and CI have ../shared)')
    return path


@pytest.fixture(autouse=True, scope='session')
def _mmaction_scope():
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    yield
