"""The study's prose quotes only measured numbers.

The README's headline and study section and docs/results.md's study
paragraphs are written by hand around tables the study driver generates.
A decimal number in that prose must be one the generated reports (or the
measured notes beside them) contain, so that a number left over from an
earlier record, or mistyped, fails here instead of reaching a user.
"""
import re

import pytest

from conftest import REPO_ROOT

STUDIES = REPO_ROOT / 'docs' / 'studies'
# What the prose may quote: the driver's reports and the measured notes
# (schedule choice, gradient norms) that name their own commands.
SOURCES = [STUDIES / 'utd_mhad' / 'README.md',
           STUDIES / 'utd_mhad' / 'gradients.md',
           STUDIES / 'utd_mhad' / 'schedule.md',
           STUDIES / 'synthetic' / 'README.md']
NUMBER = re.compile(r'(?<![\w.])\d+\.\d+(?![\w.])')


def _section(text: str, start: str, end: str) -> str:
    assert start in text, f'section start {start!r} not found'
    begin = text.index(start)
    assert end in text[begin + len(start):], f'{end!r} not after {start!r}'
    return text[begin:text.index(end, begin + len(start))]


def _readme_prose() -> str:
    text = (REPO_ROOT / 'README.md').read_text(encoding='utf-8')
    headline = _section(text, '**What we measured, in one line.**', '\n\n')
    study = _section(text, '## Does SKD-SRL help?', '\n## ')
    return headline + study


def _results_prose() -> str:
    text = (REPO_ROOT / 'docs' / 'results.md').read_text(encoding='utf-8')
    return _section(text, '## Does SKD-SRL help?',
                    '## The under-trained regime')


def _without_generated_tables(prose: str) -> str:
    """Drop the blocks between study markers: the driver writes those."""
    return re.sub(r'<!-- study:(\w+) start -->.*?<!-- study:\1 end -->', '',
                  prose, flags=re.S)


def _quoted_by(number: str, measured: set) -> bool:
    """Exact, or (for two decimals or more) a finer measured value that
    rounds to it: the prose may say 0.36 for a report's 0.358."""
    if number in measured:
        return True
    decimals = len(number.split('.')[1])
    if decimals < 2:
        return False
    return any(len(m.split('.')[1]) > decimals
               and f'{float(m):.{decimals}f}' == number for m in measured)


def _measured() -> set:
    missing = [p for p in SOURCES if not p.is_file()]
    assert not missing, f'study reports missing: {missing}'
    return {m for p in SOURCES
            for m in NUMBER.findall(p.read_text(encoding='utf-8'))}


def test_quoted_by_is_exact_for_one_decimal():
    measured = {'73.5', '0.358', '0.040'}
    assert _quoted_by('73.5', measured)
    assert not _quoted_by('73.4', measured)
    assert _quoted_by('0.36', measured) and _quoted_by('0.04', measured)
    assert not _quoted_by('0.35', measured)
    assert not _quoted_by('73.50', measured)  # not finer: not a rounding


@pytest.mark.parametrize('name, prose', [('README.md', _readme_prose),
                                         ('docs/results.md', _results_prose)])
def test_every_study_number_is_measured(name, prose):
    text = _without_generated_tables(prose())
    numbers = NUMBER.findall(text)
    assert len(numbers) > 20, f'{name}: the study prose quotes no numbers'
    measured = _measured()
    unknown = sorted({n for n in numbers if not _quoted_by(n, measured)},
                     key=float)
    assert not unknown, (
        f'{name} quotes numbers no study report contains: {unknown} '
        '(regenerate the reports with `python tools/analysis/run_study.py '
        'STUDY --report-only` and quote them)')
