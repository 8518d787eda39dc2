"""UTD-MHAD depth preparation: .mat files -> grey videos + cross-subject
lists. Constructed .mat files (known answers) everywhere; the official files
from ../shared where present."""
import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.io import savemat

from conftest import REPO_ROOT, SHARED
from mmskd.datasets.preparation import PreparationError, prepare_utd_mhad
from mmskd.datasets.preparation.utd_mhad import CLASSES, MIRROR_PAIRS
from mmskd.datasets.preparation.utd_mhad_depth import (depth_to_frames,
                                                       depth_to_grey,
                                                       load_depth, parse_name)

decord = pytest.importorskip('decord')
OFFICIAL = SHARED / 'data' / 'utd-mhad-depth-mat' / 'Depth'
H, W = 240, 320


def _person(frames=20, top=60, left=140, height=120, width=40, near=2000,
            far=2600):
    """A box 'person' whose depth grows from ``near`` (top row) to ``far``
    (bottom row), on a 0 background; ``[H, W, T]`` uint16 like d_depth."""
    depth = np.zeros((H, W, frames), np.uint16)
    ramp = np.linspace(near, far, height).astype(np.uint16)[:, None, None]
    depth[top:top + height, left:left + width] = ramp
    return depth


def _write_set(folder, actions=(1, 2, 9), subjects=range(1, 9), trials=(1, )):
    folder.mkdir(parents=True, exist_ok=True)
    for a in actions:
        for s in subjects:
            for t in trials:
                savemat(folder / f'a{a}_s{s}_t{t}_depth.mat',
                        dict(d_depth=_person(frames=18 + a)))
    return folder


def _read(path):
    reader = decord.VideoReader(str(path), num_threads=1)
    return reader.get_batch(list(range(len(reader)))).asnumpy()


def _lines(path):
    return [ln.split() for ln in path.read_text().splitlines()]


def test_lists_follow_the_cross_subject_protocol(tmp_path):
    src = _write_set(tmp_path / 'Depth')
    out = tmp_path / 'out'
    report = prepare_utd_mhad(str(src), str(out), size=64)
    assert report['total'] == 24 and report['converted'] == 24
    assert report['lists'] == dict(train=9, val=3, trainval=12, test=12)
    for name, subjects in (('train', {1, 3, 5}), ('val', {7}),
                           ('trainval', {1, 3, 5, 7}),
                           ('test', {2, 4, 6, 8})):
        lines = _lines(out / f'{name}.txt')
        assert {parse_name(p.replace('videos/', '').replace('.mp4', '.mat'))
                [1] for p, _ in lines} == subjects
        for path, label in lines:
            action = parse_name(path[7:-4] + '.mat')[0]
            assert int(label) == action - 1  # 0-based labels
            assert (out / path).is_file()
    assert (out / 'classes.txt').read_text().split() == list(CLASSES)
    assert len(CLASSES) == 27
    # the README's mirror-sensitive classes: swipes, and the two circles
    assert [CLASSES[i].split('_')[-1] for i in MIRROR_PAIRS[0]] == [
        'left', 'right']
    assert 'counter' in CLASSES[MIRROR_PAIRS[1][1]]


def test_videos_are_grey_near_bright_black_background_and_cropped(tmp_path):
    src = _write_set(tmp_path / 'Depth', actions=(3, ), subjects=(1, ))
    out = tmp_path / 'out'
    margin, size = 0.1, 96
    prepare_utd_mhad(str(src), str(out), size=size, margin=margin)
    frames = _read(out / 'videos' / 'a3_s1_t1_depth.mp4')
    assert frames.shape == (21, size, size, 3)  # every frame kept
    assert np.abs(frames.astype(int) - frames[..., :1]).max() <= 1  # grey
    grey = frames[0, ..., 0].astype(int)
    lit = grey > 8
    rows, cols = np.nonzero(lit)
    # The 120-px-tall person spans 1 / (1 + 2 * margin) of the square side
    # (to a pixel of resampling), centred; the 40-px width keeps its aspect.
    span = rows.max() - rows.min() + 1
    assert abs(span - size / (1 + 2 * margin)) <= 2
    assert abs((rows.min() + rows.max()) / 2 - (size - 1) / 2) <= 1.5
    assert abs((cols.max() - cols.min() + 1) - span / 3) <= 2
    assert grey[~lit].max() <= 1  # background black
    column = grey[rows.min() + 2:rows.max() - 1, int(np.median(cols))]
    assert column[0] > 240 and column[-1] < 80  # near top bright, far dark
    assert np.all(np.diff(column) <= 1)  # monotone: depth grows downwards
    # what was written is what depth_to_frames computes, within one level
    depth = load_depth(str(src / 'a3_s1_t1_depth.mat'))
    expected = depth_to_frames(depth, size, margin)
    assert np.abs(frames[..., 0].astype(int) - expected).max() <= 1


def test_corrupt_file_is_named_skipped_and_never_half_written(tmp_path):
    src = _write_set(tmp_path / 'Depth', actions=(1, ), subjects=(1, 2, 3))
    good = (src / 'a1_s2_t1_depth.mat').read_bytes()
    (src / 'a1_s2_t1_depth.mat').write_bytes(good[:len(good) // 2])
    savemat(src / 'a1_s3_t1_depth.mat', dict(other=np.zeros(3)))
    out = tmp_path / 'out'
    cmd = [sys.executable, str(REPO_ROOT / 'tools/data/utd_mhad/prepare.py'),
           str(src), str(out), '--size', '64', '--workers', '2']
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 1, done.stderr
    assert 'a1_s2_t1_depth.mat' in done.stderr  # truncated: named
    assert 'a1_s3_t1_depth.mat: no variable d_depth' in done.stderr
    assert sorted(p.name for p in (out / 'videos').iterdir()) == [
        'a1_s1_t1_depth.mp4']  # no partial or temporary file
    assert _lines(out / 'train.txt') == [['videos/a1_s1_t1_depth.mp4', '0']]
    assert _lines(out / 'test.txt') == []
    failed = (out / 'failed.txt').read_text()
    assert 'a1_s2_t1' in failed and 'a1_s3_t1' in failed
    assert 'sequences: 3/3 (100%)' in done.stderr and '/s, elapsed' in \
        done.stderr and 'ETA' in done.stderr  # plain progress off a tty


def test_resumes_and_refuses_other_settings(tmp_path):
    src = _write_set(tmp_path / 'Depth', actions=(1, 2), subjects=(1, 2))
    out = tmp_path / 'out'
    prepare_utd_mhad(str(src), str(out), size=64)
    first = (out / 'videos' / 'a1_s1_t1_depth.mp4').stat().st_mtime_ns
    (out / 'videos' / 'a2_s2_t1_depth.mp4').unlink()  # killed before it
    (out / 'videos' / 'a2_s2_t1_depth.mp4.tmp.mp4').write_bytes(b'partial')
    report = prepare_utd_mhad(str(src), str(out), size=64)
    assert (report['skipped'], report['converted'],
            report['stale_tmp_removed']) == (3, 1, 1)
    assert (out / 'videos' / 'a1_s1_t1_depth.mp4').stat().st_mtime_ns == first
    assert len(_read(out / 'videos' / 'a2_s2_t1_depth.mp4')) == 20
    with pytest.raises(PreparationError, match='size: 64 there, 96 asked'):
        prepare_utd_mhad(str(src), str(out), size=96)
    assert json.loads((out / 'settings.json').read_text())['size'] == 64


def test_bad_arguments_are_named(tmp_path):
    with pytest.raises(PreparationError, match='depth folder not found'):
        prepare_utd_mhad(str(tmp_path / 'nope'), str(tmp_path / 'o'))
    (tmp_path / 'empty').mkdir()
    with pytest.raises(PreparationError, match='no a<A>_s<S>_t<T>'):
        prepare_utd_mhad(str(tmp_path / 'empty'), str(tmp_path / 'o'))
    src = _write_set(tmp_path / 'Depth', actions=(1, ), subjects=(1, ))
    with pytest.raises(PreparationError, match='val_subjects'):
        prepare_utd_mhad(str(src), str(tmp_path / 'o'), val_subjects=(2, ))
    with pytest.raises(PreparationError, match='even'):
        prepare_utd_mhad(str(src), str(tmp_path / 'o'), size=63)
    savemat(src / 'a28_s1_t1_depth.mat', dict(d_depth=_person()))
    with pytest.raises(PreparationError, match='action 28'):
        prepare_utd_mhad(str(src), str(tmp_path / 'o'))


def test_official_files_convert_exactly():
    if not OFFICIAL.is_dir():
        pytest.skip(f'UTD-MHAD depth not available: {OFFICIAL} is absent '
                    '(only developer machines and CI have ../shared)')
    from scipy.io import loadmat
    names = ['a1_s1_t1', 'a8_s6_t1', 'a24_s2_t2', 'a27_s7_t4']
    for name in names:
        mat = loadmat(OFFICIAL / f'{name}_depth.mat')['d_depth']
        assert mat.dtype == np.uint16 and mat.shape[:2] == (H, W)
        depth = load_depth(str(OFFICIAL / f'{name}_depth.mat'))
        assert depth.shape == (mat.shape[2], H, W)
        frames = depth_to_frames(depth, 128, 0.08)
        person = frames > 0
        # the person fills the crop's height and only the person is lit
        assert person.any(axis=(0, 2)).sum() >= 0.8 * 128
        assert 0.02 < person.mean() < 0.5
        grey = depth_to_grey(depth)  # before resizing blends the edges
        assert grey[depth > 0].min() >= 64  # the far body is still visible
        assert grey[depth == 0].max() == 0
