"""Side-by-side timing of several callables: the one loop the step and
latency benchmarks share.

Each round calls every function once, so a change in machine load (other
processes, frequency scaling) hits all of them alike and their *ratio*
holds; that is why this is not ``torch.utils.benchmark.Timer``, which
measures one statement to the end before the next. With ``rotate`` the
order shifts by one each round, so no function always runs first (after an
idle gap) or last.
"""
import time
from typing import Callable, Dict, List

from .progress import silent_progress


def time_rounds(fns: Dict[str, Callable], repeats: int, warmup: int = 1,
                rotate: bool = False,
                progress=silent_progress) -> Dict[str, List[float]]:
    """Seconds of each call, per function, over ``repeats`` rounds.

    Args:
        fns: Name -> function without arguments. It must finish its work
            before returning (synchronise a device itself).
        repeats: Timed rounds.
        warmup: Untimed rounds first, in the plain order.
        rotate: Start round ``r`` with function ``r % len(fns)``.
        progress: A progress factory (``JobProgress``-like), advanced per
            round.
    """
    names = list(fns)
    for _ in range(warmup):
        for name in names:
            fns[name]()
    times = {name: [] for name in names}
    with progress(repeats) as bar:
        for r in range(repeats):
            shift = r % len(names) if rotate else 0
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                fns[name]()
                times[name].append(time.perf_counter() - start)
            bar.advance()
    return times
