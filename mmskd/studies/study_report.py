"""A study's report, computed from its committed run records only.

``docs/studies/<study>/README.md`` gets everything (set-up, main table,
per-seed paired differences, the Siamese monitors, every run);
``chart.png`` plots test top-1 per row (mean, seed spread, each seed a dot)
with ``chart.json`` holding the plotted numbers; ``docs/results.md`` and
the README quote the main table between ``<!-- study:<name> -->`` markers
(:func:`sync_block`), which a test keeps equal to the records.
"""
import glob
import json
import os.path as osp
import statistics
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from mmskd.utils.io import write_text_atomic
from .spec import Study

Records = Dict[str, Dict[int, dict]]  # row -> seed -> record


def load_records(study: Study, repo: str = '.') -> Records:
    """Every recorded run of ``study``, by row and seed."""
    out: Records = {}
    for row in study.rows:
        for path in sorted(glob.glob(osp.join(repo, study.results_dir,
                                              row.name, 'seed*.json'))):
            with open(path) as f:
                record = json.load(f)
            out.setdefault(row.name, {})[record['seed']] = record
    return out


def pct(values: Sequence[float]) -> str:
    """``mean ± std`` of fractions, in percent (std over seeds, n - 1)."""
    values = [100 * v for v in values]
    if not values:
        return '-'
    if len(values) == 1:
        return f'{values[0]:.1f}'
    return f'{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}'


def top1(record: dict, ckpt: str, protocol: str = 'video') -> float:
    return record['test'][ckpt][protocol]['top1']


def main_table(study: Study, records: Records) -> str:
    """One line per row: training accuracy, best epoch, test top-1."""
    lines = [
        '| Row | Seeds | Training videos fitted | Train clip top-1, last '
        'epoch | Best val epoch | Video top-1, last epoch | Video top-1, '
        'best-by-val | Clip top-1, last epoch | Clip top-1, best-by-val |',
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
    for row in study.rows:
        runs = list(records.get(row.name, {}).values())
        if not runs:
            continue
        epochs = ', '.join(str(r['best_epoch']) for r in runs)
        fit = pct([r['train_fit']['top1'] for r in runs if 'train_fit' in r])
        cells = [fit, pct([r['final']['train_top1'] for r in runs]),
                 epochs] + [
            pct([top1(r, c, p) for r in runs])
            for p in ('video', 'clip') for c in ('last', 'best')]
        lines.append(f'| {row.label} | {len(runs)} | ' + ' | '.join(cells) +
                     ' |')
    return '\n'.join(lines)


def paired(records: Records, a: str, b: str,
           ckpt: str) -> List[Tuple[int, float]]:
    """``(seed, top1_a - top1_b)`` (video protocol, points) per seed both
    rows have."""
    ra, rb = records.get(a, {}), records.get(b, {})
    return [(s, 100 * (top1(ra[s], ckpt) - top1(rb[s], ckpt)))
            for s in sorted(set(ra) & set(rb))]


def t_interval(values: Sequence[float],
               level: float = 0.95) -> Optional[Tuple[float, float]]:
    """Student-t confidence interval of the mean of ``values`` (None for
    fewer than two). Over seeds on one test set it measures how far the
    training randomness alone could move the mean; it does not cover which
    test videos were drawn."""
    if len(values) < 2:
        return None
    from scipy import stats  # an MMAction2 dependency
    mean = statistics.mean(values)
    half = stats.t.ppf(0.5 + level / 2, len(values) - 1) * \
        statistics.stdev(values) / len(values)**0.5
    return mean - half, mean + half


def bootstrap_interval(records: Records, a: str, b: str, ckpt: str,
                       protocol: str = 'video', level: float = 0.95,
                       draws: int = 4000,
                       seed: int = 0) -> Optional[Tuple[float, float]]:
    """Percentile interval (points) of the mean-over-seeds difference
    top1_a - top1_b when the test videos are resampled with replacement.

    Every draw resamples the same videos for every seed and both rows, so
    the pairing is kept; the seeds stay the observed ones. This is the
    part of the uncertainty :func:`t_interval` leaves out: which test
    videos were drawn. None unless every paired seed's record has
    ``predictions`` (records written before they were kept do not).

    Raises:
        ValueError: the records' test labels differ (different lists).
    """
    ra, rb = records.get(a, {}), records.get(b, {})
    seeds = sorted(set(ra) & set(rb))
    runs = [r[s] for s in seeds for r in (ra, rb)]
    if not seeds or any('predictions' not in r for r in runs):
        return None
    labels = {r['predictions']['labels'] for r in runs}
    if len(labels) > 1:
        raise ValueError(f'rows {a} and {b}: the records were tested on '
                         'different lists (their labels differ)')
    truth = np.array(labels.pop().split(), dtype=int)

    def correct(record: dict) -> np.ndarray:
        pred = record['predictions'][f'{ckpt}.{protocol}']
        return (np.array(pred.split(), dtype=int) == truth).astype(float)

    per_video = np.mean([correct(ra[s]) - correct(rb[s]) for s in seeds],
                        axis=0)
    rng = np.random.default_rng(seed)  # fixed: the report is reproducible
    picks = rng.integers(0, len(truth), size=(draws, len(truth)))
    means = 100 * per_video[picks].mean(axis=1)
    low, high = np.percentile(means, [50 * (1 - level), 50 * (1 + level)])
    return float(low), float(high)


def _interval(ci: Optional[Tuple[float, float]]) -> str:
    return f'{ci[0]:+.1f} to {ci[1]:+.1f}' if ci else '-'


def paired_table(study: Study, records: Records) -> str:
    labels = {r.name: r.label for r in study.rows}
    lines = ['| Difference (video top-1, points) | Checkpoint | Per seed | '
             'Mean ± std | 95% CI over seeds (t) | 95% CI over test videos '
             '(bootstrap) | Seeds above 0 |',
             '|---|---|---|---:|---:|---:|---:|']
    for a, b in study.pairs:
        for ckpt in ('last', 'best'):
            diffs = paired(records, a, b, ckpt)
            if not diffs:
                continue
            values = [d for _, d in diffs]
            spread = f'{statistics.mean(values):+.1f}' + (
                f' ± {statistics.stdev(values):.1f}' if len(values) > 1
                else '')
            seeds = ', '.join(f's{s}: {d:+.1f}' for s, d in diffs)
            above = sum(d > 0 for d in values)
            cis = ' | '.join(_interval(ci) for ci in (
                t_interval(values), bootstrap_interval(records, a, b, ckpt)))
            lines.append(f'| {labels[a]} − {labels[b]} | {ckpt} | {seeds} | '
                         f'{spread} | {cis} | {above} of {len(values)} |')
    return '\n'.join(lines)


def monitor_table(study: Study, records: Records) -> str:
    """The Siamese monitors and the KD term's size, first and last epoch."""
    lines = ['| Row | Epoch | cos_sim (matched) | cos_sim_mismatched | '
             'matched − mismatched | z_std | loss_kd / loss_cls |',
             '|---|---:|---:|---:|---:|---:|---:|']
    for row in study.rows:
        runs = list(records.get(row.name, {}).values())
        if not runs or 'cos_sim' not in runs[0]['final']:
            continue
        for which in (0, -1):
            logs = [r['epoch_log'][which] for r in runs]
            mean = lambda key: statistics.mean(e[key] for e in logs)  # noqa
            ratio = statistics.mean(e['loss_kd'] / e['loss_cls']
                                    for e in logs)
            lines.append(
                f'| {row.label} | {logs[0]["epoch"]} | '
                f'{mean("cos_sim"):.3f} | {mean("cos_sim_mismatched"):.3f} | '
                f'{mean("cos_sim") - mean("cos_sim_mismatched"):+.3f} | '
                f'{mean("z_std"):.3f} | {ratio:.1e} |')
    return '\n'.join(lines)


def runs_table(study: Study, records: Records) -> str:
    lines = ['| Row | Seed | Train top-1 last | Best epoch | Val top-1 '
             'there | Video last | Video best | Clip last | Clip best | '
             'Train min |', '|---|---:|' + '---:|' * 8]
    for row in study.rows:
        for seed, r in sorted(records.get(row.name, {}).items()):
            val = next((e.get('val_top1') for e in r['epoch_log']
                        if e['epoch'] == r['best_epoch']), None)
            cells = [f'{100 * r["final"]["train_top1"]:.1f}',
                     str(r['best_epoch']),
                     '-' if val is None else f'{100 * val:.1f}'] + [
                f'{100 * top1(r, c, p):.1f}' for p in ('video', 'clip')
                for c in ('last', 'best')] + [f'{r["train_s"] / 60:.0f}']
            lines.append(f'| {row.label} | {seed} | ' + ' | '.join(cells) +
                         ' |')
    return '\n'.join(lines)


def schedule_line(records: Records) -> str:
    """The epochs of the rows: the most common count, then any row that
    trains for another."""
    labels: Dict[int, List[str]] = {}
    for rows in records.values():
        for rec in rows.values():
            names = labels.setdefault(rec['epochs'], [])
            name = rec.get('label', rec['row'])
            if name not in names:
                names.append(name)
    common = max(labels, key=lambda e: (len(labels[e]), -e))
    others = '; '.join(f'{", ".join(names)}: {epochs}'
                       for epochs, names in sorted(labels.items())
                       if epochs != common)
    return (f'- Schedule: {common} epochs, every row'
            + (f' but {others} epochs' if others else '')
            + ' (configs in the per-run records).')


def setup_lines(study: Study, records: Records) -> List[str]:
    any_run = next((r for rows in records.values() for r in rows.values()),
                   None)
    if any_run is None:
        return ['No run recorded yet.']
    sizes = any_run['sizes']
    machines = sorted({r['machine'] for rows in records.values()
                       for r in rows.values()})
    total = sum(r['train_s'] + r['test_s'] for rows in records.values()
                for r in rows.values())
    return [
        f'- Data: `{study.data_dir}` ({study.prepare}); '
        f'{sizes["train"]} training, {sizes["val"]} validation and '
        f'{sizes["test"]} test videos.',
        schedule_line(records),
        '- Protocols: video top-1 = softmax averaged over 10 uniformly '
        'spread clips, centre crop; clip top-1 = one centre clip, centre '
        'crop; both on the whole test list. "Last epoch" tests the final '
        'checkpoint, "best-by-val" the epoch with the best validation '
        'top-1 (one centre clip; the earliest such epoch).',
        '- Train top-1: mean training clip accuracy over the last epoch '
        '(SKD-SRL: mean of its two views), augmented clips in train mode.',
        f'- Machine(s): {"; ".join(machines)}.',
        f'- Compute: {total / 3600:.1f} h of train + test over '
        f'{sum(len(v) for v in records.values())} runs.',
        f'- Command: `python tools/analysis/run_study.py {study.name}`; '
        f'records in `{study.results_dir}/<row>/seed<S>.json`.']


def chart(study: Study, records: Records, png: str,
          numbers: str) -> None:
    """Mean test video top-1 per row for the last-epoch and the
    best-by-validation checkpoint, seeds as dots; numbers to ``numbers``."""
    from mmskd.visualization.charts import seed_bar_chart
    groups = {r.label: {
        f'{name} checkpoint': [100 * top1(rec, ckpt)
                               for rec in records[r.name].values()]
        for ckpt, name in (('last', 'last-epoch'), ('best', 'best-by-val'))}
        for r in study.rows if records.get(r.name)}
    seed_bar_chart(groups, png, numbers, 'test video top-1 (%)',
                   study.title)


def report_text(study: Study, records: Records) -> str:
    return '\n'.join([
        f'# Study: {study.title}', '',
        '<!-- Generated by tools/analysis/run_study.py '
        f'{study.name} from the records in this folder; do not edit. -->', '',
        '## Set-up', '', *setup_lines(study, records), *study.notes, '',
        '## Test accuracy (%, mean ± std over seeds)', '',
        main_table(study, records), '',
        '![test top-1 per row](chart.png)', '',
        '## Paired differences per seed', '', paired_table(study, records),
        '', 'Two intervals, each for one source of chance. "Over seeds" is '
        'the t interval of the mean over seeds (2 seeds: 12.7 standard '
        'errors each side, 3 seeds: 4.3) on the fixed test set: the '
        'training randomness. "Over test videos" resamples the test videos '
        '(paired: the same draw for every seed and both rows; 4000 draws) '
        'with the seeds fixed: which videos happened to be tested; "-" '
        'where a record keeps no per-video predictions.', '',
        '## Siamese monitors (mean over seeds)', '',
        monitor_table(study, records), '', '## Every run', '',
        runs_table(study, records), ''])


def block(study: Study, records: Records, doc_dir: str = '.') -> str:
    """What docs/results.md and the README quote; links are relative to
    ``doc_dir`` (the quoting file's folder, repository-relative)."""
    from .spec import plan
    sizes = next((r['sizes'] for rows in records.values()
                  for r in rows.values()), None)
    where = '' if sizes is None else (
        f' ({sizes["test"]} test videos)')
    done, total = sum(len(v) for v in records.values()), len(plan(study))
    link = osp.relpath(osp.join(study.results_dir, 'README.md'), doc_dir)
    lines = [f'Runs recorded: {done} of {total}. Test top-1 (%, mean ± std '
             f'over seeds){where}; "training videos fitted" is the final '
             'model\'s video top-1 on its own training list; full report '
             f'(per-seed differences, Siamese monitors, every run): [{link}]'
             f'({link}).']
    if done:
        lines += ['', main_table(study, records)]
    return '\n'.join(lines)


def sync_block(path: str, name: str, text: str) -> bool:
    """Replace what is between ``<!-- study:NAME start -->`` and ``<!--
    study:NAME end -->`` in ``path``; False if the markers are absent."""
    start, end = f'<!-- study:{name} start -->', f'<!-- study:{name} end -->'
    with open(path) as f:
        content = f.read()
    if start not in content or end not in content:
        return False
    head, rest = content.split(start, 1)
    _, tail = rest.split(end, 1)
    write_text_atomic(path, f'{head}{start}\n{text}\n{end}{tail}')
    return True


def write_report(study: Study, repo: str = '.',
                 quote_in: Optional[Sequence[str]] = None) -> List[str]:
    """Write the report, chart and quoted blocks; returns the paths."""
    records = load_records(study, repo)
    folder = osp.join(repo, study.results_dir)
    written = [osp.join(folder, 'README.md')]
    write_text_atomic(written[0], report_text(study, records))
    if records:
        written += [osp.join(folder, 'chart.png'),
                    osp.join(folder, 'chart.json')]
        chart(study, records, written[1], written[2])
    for doc in quote_in or ('docs/results.md', 'README.md'):
        if sync_block(osp.join(repo, doc), study.name,
                      block(study, records, osp.dirname(doc) or '.')):
            written.append(doc)
    return written
