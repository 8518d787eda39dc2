"""The shared helpers of the long jobs: progress lines and side-by-side
timing."""
import io
import re
import time

from mmskd.utils.progress import JobProgress
from mmskd.utils.timing import time_rounds


def test_plain_progress_prints_count_rate_and_eta_and_a_final_line():
    out = io.StringIO()
    with JobProgress(4, 'videos', stream=out, every_s=3600) as bar:
        for _ in range(4):
            time.sleep(0.01)
            bar.advance()
    lines = out.getvalue().splitlines()
    # throttled to one line an hour, so only the completion line shows
    assert len(lines) == 1
    match = re.fullmatch(r'videos: 4/4 \(100%\), ([0-9.]+)/s, elapsed '
                         r'0:00:00, ETA 0:00:00', lines[0])
    assert match and 0 < float(match.group(1)) < 400  # 4 items in >= 40 ms


def test_plain_progress_eta_follows_the_rate():
    out = io.StringIO()
    with JobProgress(10, 'clips', stream=out, every_s=0) as bar:
        time.sleep(0.05)
        bar.advance(5)
        first = out.getvalue().splitlines()[-1]
        assert first.startswith('clips: 5/10 (50%), ')
        # half done after ~0.05 s: about as long again to go
        assert 0.0 < bar.eta_s() < 1.0
        bar.advance(5)
    assert out.getvalue().splitlines()[-1].startswith('clips: 10/10 (100%)')


def test_time_rounds_interleaves_rotates_and_measures():
    calls = []

    def fast():
        calls.append('fast')

    def slow():
        calls.append('slow')
        time.sleep(0.02)

    times = time_rounds({'fast': fast, 'slow': slow}, repeats=3, warmup=1,
                        rotate=True)
    assert calls == ['fast', 'slow',  # warm-up
                     'fast', 'slow', 'slow', 'fast', 'fast', 'slow']
    assert [len(t) for t in times.values()] == [3, 3]
    assert min(times['slow']) >= 0.02 > max(times['fast'])


def test_time_rounds_keeps_the_order_without_rotate():
    calls = []
    time_rounds({k: (lambda k=k: calls.append(k)) for k in 'abc'},
                repeats=2, warmup=0)
    assert calls == list('abcabc')
