"""Progress with rate and ETA for the long jobs (data tools, benchmarks,
inference over many videos).

On a terminal this is a ``rich`` progress bar (rich comes with MMEngine);
without one (CI, a log file) a bar that redraws would fill the log with
control characters, so plain lines are printed instead, at most one every
``every_s`` seconds and one at the end.
"""
import sys
import time
from typing import IO, Optional

from rich.progress import (BarColumn, MofNCompleteColumn, Progress,
                           TaskProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f'{hours}:{rest // 60:02d}:{rest % 60:02d}'


class JobProgress:
    """Count finished items of a job of ``total`` items.

    Use as a context manager; call :meth:`advance` after each item.

    Args:
        total (int): Number of items.
        desc (str): What is counted, e.g. ``'videos'``.
        stream (IO, optional): Where to write. Defaults to ``sys.stderr``.
        every_s (float): Seconds between plain lines. Defaults to 10.
        rich (bool, optional): Force the rich bar (True) or plain lines
            (False). Defaults to whether ``stream`` is a terminal.
    """

    def __init__(self, total: int, desc: str, stream: Optional[IO] = None,
                 every_s: float = 10.0, rich: Optional[bool] = None) -> None:
        self.total, self.desc, self.every_s = total, desc, every_s
        self.stream = stream or sys.stderr
        if rich is None:
            rich = bool(getattr(self.stream, 'isatty', lambda: False)())
        self.done, self._bar, self._task = 0, None, None
        self._last_printed = -1
        self._start = self._last = time.monotonic()
        if rich and total > 0:
            from rich.console import Console
            self._bar = Progress(
                TextColumn('{task.description}'), BarColumn(),
                MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn('{task.fields[rate]}'), TimeElapsedColumn(),
                TextColumn('ETA'), TimeRemainingColumn(),
                console=Console(file=self.stream), transient=False)

    def __enter__(self) -> 'JobProgress':
        self._start = self._last = time.monotonic()
        if self._bar is not None:
            self._bar.start()
            self._task = self._bar.add_task(self.desc, total=self.total,
                                            rate='')
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self.total > 0 and self._last_printed != self.done:
            self._print()

    def rate(self) -> float:
        """Items per second so far."""
        elapsed = time.monotonic() - self._start
        return self.done / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> float:
        """Seconds left at the rate so far (0 when done or unknown)."""
        rate = self.rate()
        return (self.total - self.done) / rate if rate > 0 else 0.0

    def line(self) -> str:
        """The plain progress line, e.g. ``videos: 120/861 (14%), 12.3/s,
        elapsed 0:00:10, ETA 0:01:00``."""
        pct = 100 * self.done // max(self.total, 1)
        return (f'{self.desc}: {self.done}/{self.total} ({pct}%), '
                f'{self.rate():.1f}/s, elapsed '
                f'{_clock(time.monotonic() - self._start)}, ETA '
                f'{_clock(self.eta_s())}')

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, advance=n,
                             rate=f'{self.rate():.1f}/s')
            return
        now = time.monotonic()
        if now - self._last >= self.every_s or self.done >= self.total:
            self._last = now
            self._print()

    def _print(self) -> None:
        self._last_printed = self.done
        print(self.line(), file=self.stream, flush=True)


class silent_progress:  # noqa: N801  (used like a function: a factory)
    """A :class:`JobProgress` stand-in that shows nothing (the default of
    functions that take a progress factory)."""

    def __init__(self, total: int = 0) -> None:
        self.total = total

    def __enter__(self) -> 'silent_progress':
        return self

    def __exit__(self, *exc) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass
