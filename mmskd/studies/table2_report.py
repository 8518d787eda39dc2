"""``docs/studies/table2_under_trained.md`` of the measured Table II ablation.

The file holds the tables of :mod:`mmskd.studies.results_table`, how they were
made, and a "Discussion" made only of what is computed here from the runs:
per row, mean ± std of top-1 (video protocol), its difference to Baseline and
whether that exceeds the seed spread, and which pairs break the paper's
ordering. Everything from the ``## Investigation notes`` heading to the end
is for people and kept verbatim when the file is rewritten.

The README quotes the video-protocol table between two markers;
``python -m mmskd.studies.table2_report README.md
docs/studies/table2_under_trained.md`` (the last
step of ``make table2``) copies it there, and a test checks the two agree.
"""
import argparse
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence, Tuple

from mmskd.utils.io import write_text_atomic
from .results_table import find_runs, load_run, mean_std

NOTES = '## Investigation notes'
NOTES_STUB = (f'{NOTES}\n\n<!-- For people: what was checked and why. '
              'tools/analysis/run_table2.py keeps this section (from its '
              'heading to the end of the file) when it rewrites the file. '
              '-->\n')
# The paper's Table II, ascending top-1.
ORDER = dict(baseline='Baseline', baseline_aug='Baseline + data augment',
             kd_r50='KD', self_kd='Self-KD', skd_srl='SKD-SRL')
Stats = Dict[str, Tuple[str, List[float]]]  # row -> (method, top-1 % each)


def row_stats(work_root: str, rows: Sequence[str]) -> Stats:
    """Method name and per-seed top-1 (%, video protocol) of each row
    with at least one tested run under ``<work_root>/<row>``."""
    stats: Stats = {}
    for row in rows:
        path = osp.join(work_root, row)
        runs = [load_run(d) for d in find_runs([path])] \
            if osp.isdir(path) else []
        top1 = [100 * r.metrics['video']['acc/top1'] for r in runs
                if 'acc/top1' in r.metrics.get('video', {})]
        if top1:
            stats[row] = (runs[0].method, top1)
    return stats


def spread_verdict(a: Sequence[float], b: Sequence[float]) -> str:
    """mean(b) - mean(a) against the larger of the two seed std's."""
    (mean_a, std_a), (mean_b, std_b) = mean_std(a), mean_std(b)
    delta, spread = mean_b - mean_a, max(std_a, std_b)
    if abs(delta) > spread:
        return f'{delta:+.2f} points, beyond the seed spread ' \
            f'(|diff| {abs(delta):.2f} > {spread:.2f})'
    return f'{delta:+.2f} points, within seed spread ' \
        f'(|diff| {abs(delta):.2f} <= {spread:.2f})'


def _row_line(row: str, method: str, top1: List[float],
              base: Optional[List[float]]) -> str:
    mean, std = mean_std(top1)
    line = f'- {method} (`{row}`, {len(top1)} seed' \
        f'{"s" * (len(top1) != 1)}): top-1 {mean:.2f} ± {std:.2f}'
    if row == 'baseline':
        return line + '.'
    if base is None:
        return line + '; no Baseline runs to compare with.'
    return line + f'; vs Baseline {spread_verdict(base, top1)}.'


def _ordering(stats: Stats) -> List[str]:
    chain = ' < '.join(ORDER.values())
    rows = [r for r in ORDER if r in stats]
    lines = [f"Paper's ordering {chain}, checked on the measured means "
             f'(all pairs of measured rows):']
    absent = [ORDER[r] for r in ORDER if r not in stats]
    if absent:
        lines.append(f'- not measured: {", ".join(absent)}.')
    if len(rows) < 2:
        return lines + ['- fewer than two rows measured: not checked.']
    pairs = [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]]
    mean = {r: mean_std(stats[r][1])[0] for r in rows}
    bad = [(a, b) for a, b in pairs if not mean[a] < mean[b]]
    if not bad:
        return lines + [f'- holds for all {len(pairs)} pairs.']
    lines.append(f'- violated by {len(bad)} of {len(pairs)} pairs:')
    return lines + [
        f'  - {ORDER[a]} ({mean[a]:.2f}) is not below {ORDER[b]} '
        f'({mean[b]:.2f}): {ORDER[b]} vs {ORDER[a]} '
        f'{spread_verdict(stats[a][1], stats[b][1])}.' for a, b in bad]


def discussion(stats: Stats) -> List[str]:
    """The Discussion section's lines (computed facts only)."""
    base = stats['baseline'][1] if 'baseline' in stats else None
    lines = [
        '## Discussion', '',
        'Computed by tools/analysis/run_table2.py from top-1 of the video '
        'protocol (%, mean ± sample std over seeds). A difference counts as '
        "beyond the seed spread when its absolute value exceeds the larger "
        "of the two rows' std's.", ''
    ]
    lines += [_row_line(row, m, v, base) for row, (m, v) in stats.items()]
    return lines + [''] + _ordering(stats)


def render(tables: str, facts: Sequence[str], stats: Stats,
           notes: str = NOTES_STUB) -> str:
    """The whole file: title, tables, facts, discussion, then ``notes``."""
    return '\n'.join([
        '# Table II, measured on the synthetic demo dataset', '',
        '<!-- Written by tools/analysis/run_table2.py (make table2). '
        'Everything above the Investigation notes section is regenerated '
        'on each run. -->', '',
        '## Results', '', tables, '', '## How these numbers were made', '',
        *facts, '', *discussion(stats), '', notes.rstrip('\n'), ''])


def kept_notes(path: str) -> str:
    """The notes section of an existing file, else the stub."""
    if not osp.isfile(path):
        return NOTES_STUB
    with open(path, encoding='utf-8') as f:
        text = f.read()
    match = re.search(rf'^{re.escape(NOTES)}\s*$', text, re.MULTILINE)
    return text[match.start():] if match else NOTES_STUB


def write_results(path: str, tables: str, facts: Sequence[str],
                  stats: Stats) -> None:
    """Write ``path`` atomically (a sibling temp file, then a rename),
    keeping the notes section of the file there before."""
    write_text_atomic(path, render(tables, facts, stats, kept_notes(path)))


README_START = '<!-- table2-results: start (make table2 copies this from ' \
    'docs/studies/table2_under_trained.md; do not edit) -->'
README_END = '<!-- table2-results: end -->'


def quoted_table(results_text: str) -> str:
    """The first table of a results file's Results section, with the
    protocol line above it (the video protocol, as written by
    :func:`render`)."""
    section = results_text.split('## Results\n', 1)
    if len(section) != 2:
        raise ValueError('no "## Results" section in the results file')
    lines = section[1].lstrip('\n').splitlines()
    end = next((i for i, ln in enumerate(lines)
                if i > 2 and not ln.startswith('|')), len(lines))
    if end < 4 or not lines[0].startswith('Protocol:'):
        raise ValueError('the Results section does not start with a '
                         'protocol line and a table')
    return '\n'.join(lines[:end])


def _block_span(readme_text: str) -> Tuple[int, int]:
    """Where the README's block lies: from the end of the start marker to
    the start of the end marker."""
    start, end = readme_text.find(README_START), readme_text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f'README has no {README_START!r} ... '
                         f'{README_END!r} block')
    return start + len(README_START), end


def readme_block(readme_text: str) -> str:
    """What the README holds between the two markers."""
    start, end = _block_span(readme_text)
    return readme_text[start:end].strip('\n')


def sync_readme(readme: str, results: str) -> None:
    """Copy the quoted table of ``results`` into ``readme``'s block."""
    with open(results, encoding='utf-8') as f:
        table = quoted_table(f.read())
    with open(readme, encoding='utf-8') as f:
        text = f.read()
    start, end = _block_span(text)  # raises, naming the markers, if absent
    if text[start:end].strip('\n') != table:
        write_text_atomic(readme, text[:start] + '\n' + table + '\n' +
                          text[end:])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description='Copy the video-protocol table of a results file (made '
        'by tools/analysis/run_table2.py) into the README block between '
        f'{README_START!r} and {README_END!r}.')
    parser.add_argument('readme')
    parser.add_argument('results')
    args = parser.parse_args(argv)
    try:
        sync_readme(args.readme, args.results)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 1
    print(f'{args.readme}: table copied from {args.results}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
