"""The tools/data CLIs end to end on tiny real videos (PyAV-made) and on
fixtures in the official annotation formats."""
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from mmskd.datasets.preparation import resize
from helpers.tools import load_tool

REPO = Path(__file__).resolve().parents[2]


def load_cli(relpath):
    """Import a CLI script as a module (calling main() in-process is far
    cheaper than a subprocess that imports torch again)."""
    return load_tool(REPO / 'tools' / 'data' / relpath)


def write_video(path, frames=20, width=64, height=48, codec='libx264'):
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), 'w') as container:
        stream = container.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, 'yuv420p'
        for i in range(frames):
            image = np.full((height, width, 3), i * 12 % 255, np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format='rgb24')
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


def probe(path):
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        keys = [
            i for i, p in enumerate(container.demux(stream))
            if p.is_keyframe and p.size
        ]
        return stream.width, stream.height, stream.codec_context.name, keys


@pytest.fixture
def tree(tmp_path):
    src = tmp_path / 'src'
    write_video(src / 'a' / 'wide.avi', width=80, height=60, codec='mpeg4')
    write_video(src / 'b' / 'tall.mp4', frames=40, width=48, height=64)
    (src / 'b' / 'broken.mp4').write_text('not a video')
    (src / 'notes.txt').write_text('ignored')
    return src


def test_scaled_size_keeps_aspect_with_even_sides():
    assert resize.scaled_size(320, 240, 128) == (170, 128)
    assert resize.scaled_size(240, 427, 128) == (128, 228)
    assert resize.scaled_size(99, 99, 33) == (34, 34)


def test_resize_tree_is_resumable_and_atomic(tree, tmp_path, capsys):
    cli = load_cli('resize_videos.py')
    dst = tmp_path / 'dst'
    (dst / 'a').mkdir(parents=True)
    (dst / 'a' / 'stale.tmp.mp4').write_bytes(b'half')  # a killed run
    args = [str(tree), str(dst), '--short-side', '32', '--keyint', '8']
    assert cli.main(args + ['--workers', '2']) == 1  # broken.mp4 fails
    out = capsys.readouterr()
    assert '3 videos: 2 encoded, 0 already done, 1 failed' in out.out
    assert '1 stale .tmp.mp4 removed' in out.out
    assert 'broken.mp4' in out.err and '3/3' not in out.out
    assert 'videos: 3/3 (100%)' in out.err and 'ETA' in out.err
    assert probe(dst / 'a' / 'wide.mp4')[:3] == (42, 32, 'h264')
    assert probe(dst / 'b' / 'tall.mp4') == (32, 42, 'h264',
                                             [0, 8, 16, 24, 32])
    assert sorted(p.name for p in dst.rglob('*')) == [
        'a', 'b', 'tall.mp4', 'wide.mp4'
    ]  # no tmp, no broken output
    assert cli.main(args + ['--workers', '1']) == 1
    assert '0 encoded, 2 already done' in capsys.readouterr().out


def test_resize_failure_leaves_no_final_file(tree, tmp_path, monkeypatch):

    def killed(src, tmp, *args):
        Path(tmp).write_bytes(b'partial')
        raise KeyboardInterrupt

    monkeypatch.setattr(resize, '_encode', killed)
    dst = tmp_path / 'dst' / 'wide.mp4'
    with pytest.raises(KeyboardInterrupt):
        resize.resize_video(str(tree / 'a' / 'wide.avi'), str(dst))
    assert os.listdir(dst.parent) == []


def test_check_videos_categories_and_clean_file(tmp_path, capsys):
    root = tmp_path / 'videos'
    write_video(root / 'good.mp4')
    write_video(root / 'short.mp4', frames=6)
    data = (root / 'good.mp4').read_bytes()
    (root / 'trunc.mp4').write_bytes(data[:len(data) // 2])
    (root / 'zero.mp4').write_bytes(b'')
    (root / 'text.mp4').write_text('hello')
    ann = tmp_path / 'train.txt'
    names = ['good', 'short', 'trunc', 'zero', 'text', 'gone']
    ann.write_text(''.join(f'{n}.mp4 {i}\n' for i, n in enumerate(names)))
    cli = load_cli('check_videos.py')
    assert cli.main([str(ann), '--data-root',
                     str(root), '--workers', '2']) == 1
    assert 'short.mp4: too_short, kept (warning)' in capsys.readouterr().out
    assert (tmp_path / 'train.clean.txt').read_text() == \
        'good.mp4 0\nshort.mp4 1\n'
    report = json.loads((tmp_path / 'train.check.json').read_text())
    assert report['counts'] == dict(
        ok=1, too_short=1, damaged=0, empty=1, unreadable=2, missing=1)
    assert [p['line'] for p in report['problems']] == [2, 3, 4, 5, 6]
    clean = tmp_path / 'c.txt'
    assert cli.main([
        str(ann), '--data-root',
        str(root), '--drop-short', '--clip-len', '4', '--frame-interval', '2',
        '--out',
        str(clean), '--report',
        str(tmp_path / 'r.json')
    ]) == 1
    assert clean.read_text() == 'good.mp4 0\n'


def test_check_videos_bad_annotation_line(tmp_path, capsys):
    ann = tmp_path / 'bad.txt'
    ann.write_text('a.mp4 0\nb.mp4 one\n')
    cli = load_cli('check_videos.py')
    assert cli.main([str(ann), '--data-root', str(tmp_path)]) == 2
    assert "bad.txt:2: labels must be integers, got 'one'" in \
        capsys.readouterr().err


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'\0')


def test_ucf101_cli(tmp_path, capsys):
    ucf = tmp_path / 'ucfTrainTestlist'
    ucf.mkdir()
    (ucf / 'classInd.txt').write_bytes(b'1 Archery\r\n2 Bowling\r\n')
    for split in (1, 2, 3):
        (ucf / f'trainlist0{split}.txt').write_bytes(
            b'Archery/v_Archery_g01_c01.avi 1\r\n'
            b'Bowling/v_Bowling_g01_c01.avi 2\r\n')
        (ucf / f'testlist0{split}.txt').write_bytes(
            b'Archery/v_Archery_g0%d_c01.avi\r\n' % (2 if split < 3 else 1))
    cli = load_cli('ucf101/prepare_annotations.py')
    assert cli.main([
        '--split-dir',
        str(ucf), '--out-dir',
        str(tmp_path / 'ucf101'), '--splits', '1', '3'
    ]) == 1
    out = capsys.readouterr()
    assert 'split 1: train and test groups are disjoint' in out.out
    assert "split 3: 1 groups are in both train and test: ['Archery/g01']" \
        in out.err
    assert cli.main(['--split-dir', str(tmp_path / 'nope')]) == 2
    assert 'classInd.txt' in capsys.readouterr().err


def test_hmdb51_and_kinetics_clis(tmp_path, capsys):
    hmdb = tmp_path / 'splits'
    hmdb.mkdir()
    for split in (1, 2, 3):
        (hmdb /
         f'run_test_split{split}.txt').write_text('x.avi 1 \ny.avi 2 \n')
    _touch(tmp_path / 'hmdb' / 'run' / 'x.avi')
    cli = load_cli('hmdb51/prepare_annotations.py')
    assert cli.main([
        '--split-dir',
        str(hmdb), '--out-dir',
        str(tmp_path / 'hmdb51'), '--video-root',
        str(tmp_path / 'hmdb')
    ]) == 0
    out = capsys.readouterr().out
    assert 'hmdb51_train_split_3_videos.txt: 1 videos' in out
    assert '1 listed videos are not on disk' in out

    (tmp_path / 'train.csv').write_text(
        'label,youtube_id,time_start,time_end,split\nrun,abc,0,10,train\n')
    cli = load_cli('kinetics/prepare_annotations.py')
    assert cli.main([
        '--train-csv',
        str(tmp_path / 'train.csv'), '--out-dir',
        str(tmp_path / 'k400')
    ]) == 0
    assert (tmp_path / 'k400' / 'kinetics400_train_list_videos.txt'
            ).read_text() == 'abc_000000_000010.mp4 0\n'


def test_cli_runs_as_a_script(tmp_path):
    ann = tmp_path / 'empty.txt'
    ann.write_text('')
    result = subprocess.run([
        sys.executable, 'tools/data/check_videos.py',
        str(ann), '--data-root',
        str(tmp_path)
    ],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            timeout=120)
    assert result.returncode == 2
    assert f'annotation file is empty: {ann}' in result.stderr


def test_check_videos_names_a_truncated_real_clip_damaged(tmp_path, capsys):
    from conftest import real_clips_dir
    src = real_clips_dir('ucf101_mini')
    name = 'videos/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi'
    root = tmp_path / 'videos'
    (root / 'videos' / 'ApplyEyeMakeup').mkdir(parents=True)
    data = (src / name).read_bytes()
    cut = name.replace('c01', 'cut')
    (root / cut).write_bytes(data[:len(data) * 6 // 10])  # a broken download
    (root / name).write_bytes(data)
    write_video(root / 'short.mp4', frames=6)  # complete but short
    ann = tmp_path / 'train.txt'
    ann.write_text(f'{name} 0\n{cut} 0\nshort.mp4 1\n')
    cli = load_cli('check_videos.py')
    assert cli.main([str(ann), '--data-root', str(root)]) == 1
    out = capsys.readouterr()
    assert f'{cut}: damaged, removed: 9' in out.out  # "9x of the 164 frames"
    assert 'of the 164 frames the container declares decode' in out.out
    assert 'short.mp4: too_short, kept (warning)' in out.out
    assert 'videos checked: 3/3 (100%)' in out.err and 'ETA' in out.err
    assert (tmp_path / 'train.clean.txt').read_text() == \
        f'{name} 0\nshort.mp4 1\n'
    report = json.loads((tmp_path / 'train.check.json').read_text())
    assert report['counts']['damaged'] == 1 and report['counts']['ok'] == 1
    # kept on request, still reported
    assert cli.main([str(ann), '--data-root', str(root), '--keep-damaged',
                     '--out', str(tmp_path / 'k.txt')]) == 0
    assert 'damaged, kept (warning)' in capsys.readouterr().out
    assert (tmp_path / 'k.txt').read_text() == ann.read_text()
