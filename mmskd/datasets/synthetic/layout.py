"""The files of a generated dataset, and the atomic swap into place.

A dataset folder holds ``videos/<class>/*.mp4``, the MMAction2
``VideoDataset`` lists ``train.txt``, ``val.txt``, ``test.txt`` (lines
``videos/<class>/<name>.mp4 <label>``), ``classes.txt`` (line i names label
i), ``videos.csv`` (per-video actor, split, frame count and size) and
``meta.json``. ``meta.json`` is written last and the folder is renamed into
place only when complete, so a folder at the final path is always whole.
"""
import csv
import json
import os
import shutil
from pathlib import Path
from typing import List, Optional

import av

from .config import GENERATOR_VERSION
from .encode import CODEC, PIX_FMT, encoder_options
from .plan import SPLITS, split_actors

GENERATOR = 'mmskd.datasets.synthetic'
COLUMNS = ('path', 'label', 'class', 'actor', 'split', 'frames', 'width',
           'height')


def write_dataset_files(root: Path, cfg, records: List[dict]) -> dict:
    """Write the lists, ``videos.csv`` and, last, ``meta.json`` (returned)."""
    (root / 'classes.txt').write_text(''.join(f'{c}\n' for c in cfg.classes))
    for split in SPLITS:
        lines = [f"{r['path']} {r['label']}\n" for r in records
                 if r['split'] == split]
        (root / f'{split}.txt').write_text(''.join(lines))
    with open(root / 'videos.csv', 'w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    meta = {
        'generator': GENERATOR, 'version': GENERATOR_VERSION,
        'seed': cfg.seed, 'config': cfg.to_dict(),
        'classes': list(cfg.classes),
        'counts': {**{s: sum(r['split'] == s for r in records)
                      for s in SPLITS}, 'total': len(records)},
        'actors': split_actors(cfg.seed, cfg.actors),
        'encoder': {'codec': CODEC, 'pix_fmt': PIX_FMT, 'pyav': av.__version__,
                    'options': encoder_options(cfg.crf)},
    }
    (root / 'meta.json').write_text(json.dumps(meta, indent=2) + '\n')
    return meta


def read_meta(root: Path) -> Optional[dict]:
    """``meta.json`` of ``root``, or None when absent or unreadable."""
    try:
        return json.loads((root / 'meta.json').read_text())
    except (OSError, ValueError):
        return None


def mismatch(root: Path, cfg) -> Optional[str]:
    """Why ``root`` is not a complete dataset made with ``cfg`` (None if it
    is one)."""
    meta = read_meta(root)
    if meta is None or meta.get('generator') != GENERATOR:
        return f'{root} has no readable {GENERATOR} meta.json'
    if meta.get('version') != GENERATOR_VERSION:
        return (f"{root} was made by generator version {meta.get('version')}"
                f', this is {GENERATOR_VERSION}')
    old, new = meta.get('config', {}), cfg.to_dict()
    # an option newer than the dataset counts as its default value
    default = type(cfg)().to_dict()
    changed = [f'{k}={old.get(k, default[k])!r} (now {v!r})'
               for k, v in new.items() if old.get(k, default[k]) != v]
    if changed:
        return f"{root} was made with other options: {', '.join(changed)}"
    listed = [line.split()[0] for split in SPLITS
              for line in _lines(root / f'{split}.txt')]
    missing = [p for p in listed if not (root / p).is_file()]
    if len(listed) != meta['counts']['total'] or missing:
        return f'{root} is incomplete ({len(missing)} listed videos missing)'
    return None


def _lines(path: Path) -> List[str]:
    return path.read_text().splitlines() if path.is_file() else []


def commit(tmp: Path, out: Path) -> None:
    """Move the finished ``tmp`` folder to ``out``, replacing what is there.

    A replaced ``out`` is first renamed aside, so at every moment ``out`` is
    either the old folder, absent, or the new complete one.
    """
    if not out.exists():
        os.rename(tmp, out)
        return
    aside = out.with_name(tmp.name.replace('.tmp-', '.old-'))
    os.rename(out, aside)
    os.rename(tmp, out)
    shutil.rmtree(aside, ignore_errors=True)
