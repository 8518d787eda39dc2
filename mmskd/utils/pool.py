"""One place that decides how the data tools start worker processes.

The tools run in processes that may already hold library threads: a caller
that decoded or wrote a video with PyAV holds FFmpeg's slice threads, and
torch may hold its OpenMP pool. A child made with plain ``fork`` copies the
memory of those threads but not the threads, and can wait for ever on a lock
one of them held (seen in CI: a resize worker stuck in swscale's
``sws_frame_setup`` -> ``avpriv_slicethread_free``). A fork server is a
clean process started once, so its children hold no such state; it costs an
import of the worker's module per child (about a second with torch), paid
once per pool.

``fork_safe=True`` is for callers that know their parent holds no such
threads and that start pools often enough for the import to matter (the
synthetic generator): they get ``fork``. Platforms without fork or a fork
server (Windows) get their default, spawn.
"""
import multiprocessing
import multiprocessing.pool
from typing import Callable, Iterator, Optional, Sequence


def start_method(fork_safe: bool = False) -> Optional[str]:
    """The start method :func:`worker_pool` uses on this platform."""
    methods = multiprocessing.get_all_start_methods()
    wanted = 'fork' if fork_safe else 'forkserver'
    return wanted if wanted in methods else None


def worker_pool(workers: int, fork_safe: bool = False,
                initializer: Optional[Callable] = None
                ) -> multiprocessing.pool.Pool:
    """A pool of ``workers`` processes started as described above.

    Use it as a context manager (it terminates the workers on exit) or call
    ``terminate`` yourself.
    """
    if workers < 1:
        raise ValueError(f'workers must be at least 1, got {workers}')
    context = multiprocessing.get_context(start_method(fork_safe))
    return context.Pool(workers, initializer=initializer)


def map_in_workers(func: Callable, items: Sequence, workers: int,
                   ordered: bool = True, chunksize: int = 1,
                   fork_safe: bool = False,
                   initializer: Optional[Callable] = None) -> Iterator:
    """``func`` of each item, from a :func:`worker_pool` of at most
    ``workers`` processes; in this process when one would do (one worker
    or one item). ``ordered=False`` yields results as they finish. The
    workers are terminated when the iterator is exhausted or closed.
    """
    if workers <= 1 or len(items) <= 1:
        yield from map(func, items)
        return
    with worker_pool(min(workers, len(items)), fork_safe,
                     initializer) as pool:
        found = pool.imap if ordered else pool.imap_unordered
        yield from found(func, items, chunksize)
