"""The check tool over every folder of real clips: avi and mp4, MPEG-4 Part 2
and H.264, 64x64 to 640x480 -- all of them decode."""
import json
import subprocess
import sys

import pytest

from conftest import REAL_CLIPS, REPO_ROOT, real_clips_dir

FOLDERS = sorted(p.name for p in REAL_CLIPS.iterdir()
                 if p.is_dir()) if REAL_CLIPS.is_dir() else ['(absent)']


@pytest.mark.parametrize('name', FOLDERS)
def test_every_real_clip_decodes(name, tmp_path):
    root = real_clips_dir(name)
    ann = root / 'annotations_all.txt'
    n_listed = len([x for x in ann.read_text().split('\n') if x.strip()])
    report = tmp_path / 'report.json'
    clean = tmp_path / 'clean.txt'
    done = subprocess.run([
        sys.executable, str(REPO_ROOT / 'tools/data/check_videos.py'),
        str(ann), '--data-root', str(root), '--clip-len', '16', '--workers',
        '1', '--out', str(clean), '--report', str(report)
    ], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    kept = [line for line in clean.read_text().split('\n') if line]
    assert len(kept) == n_listed  # nothing unreadable, nothing dropped
    assert json.loads(report.read_text())  # the report was written
