"""The data tools' worker pools must not inherit locks held by threads of
the calling process (the CI hang: a forked resize worker blocked in
FFmpeg's swscale on a lock one of the parent's slice threads held)."""
import threading

import pytest

from mmskd.utils.pool import start_method, worker_pool

# Stands in for a lock inside a C library: a thread of the parent holds it
# while the pool starts, as FFmpeg's slice threads hold theirs.
_LIBRARY_LOCK = threading.Lock()


def _can_take_library_lock(_) -> bool:
    taken = _LIBRARY_LOCK.acquire(timeout=1.0)
    if taken:
        _LIBRARY_LOCK.release()
    return taken


def _square(value: int) -> int:
    return value * value


@pytest.fixture
def lock_held_by_a_thread():
    release, holding = threading.Event(), threading.Event()

    def hold():
        with _LIBRARY_LOCK:
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(5)
    yield
    release.set()
    thread.join(5)


@pytest.mark.skipif(start_method() != 'forkserver',
                    reason='no fork server on this platform')
def test_workers_do_not_inherit_a_lock_held_by_a_parent_thread(
        lock_held_by_a_thread):
    with worker_pool(2) as pool:
        assert pool.map(_can_take_library_lock, range(2)) == [True, True]


@pytest.mark.skipif(start_method(fork_safe=True) != 'fork',
                    reason='no fork on this platform')
def test_a_forked_worker_would_inherit_it(lock_held_by_a_thread):
    # The hazard the fork server avoids, shown with the same lock: were
    # the default pool forked, the test above would fail.
    with worker_pool(1, fork_safe=True) as pool:
        assert pool.map(_can_take_library_lock, range(1)) == [False]


def test_pools_compute_in_order():
    with worker_pool(2) as pool:
        assert pool.map(_square, range(5)) == [0, 1, 4, 9, 16]
    with pytest.raises(ValueError, match='workers must be at least 1'):
        worker_pool(0)
