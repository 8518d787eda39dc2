"""The data tools' worker pools must not inherit locks held by threads of
the calling process (the CI hang: a forked resize worker blocked in
FFmpeg's swscale on a lock one of the parent's slice threads held)."""
import os
import threading

import pytest

from mmskd.utils.pool import map_in_workers, start_method, worker_pool

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


def _square_and_pid(value: int) -> tuple:
    return value * value, os.getpid()


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


def test_map_in_workers_uses_workers_only_when_they_help():
    items = list(range(6))
    ordered = list(map_in_workers(_square_and_pid, items, 2, chunksize=2))
    assert [r for r, _ in ordered] == [v * v for v in items]
    assert os.getpid() not in {pid for _, pid in ordered}
    unordered = map_in_workers(_square_and_pid, items, 2, ordered=False)
    assert sorted(r for r, _ in unordered) == [v * v for v in items]
    # one worker, or one item: no pool, this process does the work
    for serial in (map_in_workers(_square_and_pid, items, 1),
                   map_in_workers(_square_and_pid, [3], 4)):
        assert {pid for _, pid in serial} == {os.getpid()}
