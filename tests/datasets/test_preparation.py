"""Annotation tools on fixtures that copy the official file formats exactly
(UCF101's CRLF lists, HMDB51's trailing-space split files, the Kinetics
CSV header); the video files only need to exist here."""
import os

import pytest

from mmskd.datasets.preparation import (PreparationError, prepare_hmdb51,
                                        prepare_kinetics, prepare_ucf101,
                                        read_annotation, write_text_atomic)

UCF_CLASSES = ['ApplyEyeMakeup', 'Archery', 'HandstandPushups']


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'\0')


def _ucf_name(cls, group, clip):
    # The official HandstandPushups files are spelled v_HandStandPushups_...
    stem = 'HandStandPushups' if cls == 'HandstandPushups' else cls
    return f'{cls}/v_{stem}_g{group:02d}_c{clip:02d}.avi'


def make_ucf101(root, test_groups=None):
    """3 classes x 2 groups x 2 clips; split N tests on group N % 2 + 1."""
    lists = root / 'ucfTrainTestlist'
    lists.mkdir(parents=True)
    (lists / 'classInd.txt').write_bytes(''.join(
        f'{i} {c}\r\n' for i, c in enumerate(UCF_CLASSES, 1)).encode())
    for cls in UCF_CLASSES:
        for group in (1, 2):
            for clip in (1, 2):
                _touch(root / 'UCF-101' / _ucf_name(cls, group, clip))
    for split in (1, 2, 3):
        test_group = (test_groups or {}).get(split, split % 2 + 1)
        train, test = [], []
        for i, cls in enumerate(UCF_CLASSES, 1):
            for group in (1, 2):
                names = [_ucf_name(cls, group, c) for c in (1, 2)]
                if group == test_group:
                    test += [f'{n}\r\n' for n in names]
                else:
                    train += [f'{n} {i}\r\n' for n in names]
        (lists / f'trainlist0{split}.txt').write_bytes(''.join(train).encode())
        (lists / f'testlist0{split}.txt').write_bytes(''.join(test).encode())
    return lists


def test_ucf101_writes_three_disjoint_splits(tmp_path):
    lists = make_ucf101(tmp_path)
    out = tmp_path / 'out'
    report = prepare_ucf101(str(lists), str(out), str(tmp_path / 'UCF-101'))
    for split in (1, 2, 3):
        assert report['splits'][split]['overlapping_groups'] == []
        assert report['splits'][split]['train']['written'] == 6
    lines = (out / 'ucf101_val_split_1_videos.txt').read_text().splitlines()
    assert lines[0] == 'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi 0'
    assert lines[-1] == 'HandstandPushups/v_HandStandPushups_g02_c02.avi 2'
    assert '\r' not in (out / 'ucf101_train_split_1_videos.txt').read_text()


def test_ucf101_reports_shared_groups_missing_videos_and_ext(tmp_path):
    lists = make_ucf101(tmp_path)
    with open(lists / 'testlist01.txt', 'ab') as f:  # leak one train group
        f.write(b'Archery/v_Archery_g01_c01.avi\r\n')
    os.remove(tmp_path / 'UCF-101' / _ucf_name('Archery', 2, 2))
    out = tmp_path / 'out'
    report = prepare_ucf101(
        str(lists), str(out), str(tmp_path / 'UCF-101'), splits=[1])
    assert report['splits'][1]['overlapping_groups'] == ['Archery/g01']
    val = report['splits'][1]['val']
    assert (val['written'], val['missing']) == (6, 1)
    assert open(val['missing_file']).read().strip() == \
        _ucf_name('Archery', 2, 2)
    report = prepare_ucf101(
        str(lists), str(out), splits=[2],
        video_ext='mp4')  # unchecked, renamed
    first = (out / 'ucf101_train_split_2_videos.txt').read_text().split()[0]
    assert first == 'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.mp4'


@pytest.mark.parametrize('name, content, message', [
    ('trainlist01.txt', 'Archery/v_Archery_g01_c01.avi 3\r\n',
     'trainlist01.txt:1: label 3 disagrees'),
    ('trainlist01.txt', 'Bowling/v_Bowling_g01_c01.avi 2\r\n',
     "trainlist01.txt:1: 'Bowling/v_Bowling_g01_c01.avi'"),
    ('testlist01.txt', 'Archery/v_Archery_01.avi\r\n', 'v_<Class>_gXX_cYY'),
    ('classInd.txt', '1 ApplyEyeMakeup\r\n3 Archery\r\n', 'out of sequence'),
])
def test_ucf101_bad_lines_name_file_and_line(tmp_path, name, content, message):
    lists = make_ucf101(tmp_path)
    (lists / name).write_bytes(content.encode())
    with pytest.raises(PreparationError, match=message):
        prepare_ucf101(str(lists), str(tmp_path / 'out'), splits=[1])


HMDB_CLASSES = ['pour', 'brush_hair', 'cartwheel']  # deliberately unsorted


def make_hmdb51(root):
    splits = root / 'testTrainMulti_7030_splits'
    splits.mkdir(parents=True)
    for cls in HMDB_CLASSES:
        for split in (1, 2, 3):
            rows = [(f'{cls}_clip{i}_u_nm_np1_fr_goo_{i}.avi', ids)
                    for i, ids in enumerate(('1', '2', '0', str(split % 3)))]
            (splits / f'{cls}_test_split{split}.txt').write_text(''.join(
                f'{name} {i} \n' for name, i in rows))
            for name, _ in rows:
                _touch(root / 'videos' / cls / name)
    return splits


def test_hmdb51_sorted_labels_and_unused_entries(tmp_path):
    splits = make_hmdb51(tmp_path)
    out = tmp_path / 'out'
    report = prepare_hmdb51(str(splits), str(out), str(tmp_path / 'videos'))
    assert (out / 'hmdb51_classes.txt').read_text().split() == \
        sorted(HMDB_CLASSES)
    train = (out / 'hmdb51_train_split_1_videos.txt').read_text()
    assert train.splitlines()[0] == \
        'brush_hair/brush_hair_clip0_u_nm_np1_fr_goo_0.avi 0'
    assert 'pour/pour_clip0_u_nm_np1_fr_goo_0.avi 2' in train
    assert 'clip2' not in train  # id 0: unused in this split
    counts = {
        s: (r['train']['written'], r['val']['written'])
        for s, r in report['splits'].items()
    }
    assert counts == {1: (6, 3), 2: (3, 6), 3: (3, 3)}


def test_hmdb51_bad_id_and_missing_class_file(tmp_path):
    splits = make_hmdb51(tmp_path)
    (splits / 'pour_test_split2.txt').write_text('a.avi 1\nb.avi 7\n')
    with pytest.raises(
            PreparationError, match=r'pour_test_split2.txt:2: .*b.avi 7'):
        prepare_hmdb51(str(splits), str(tmp_path / 'out'))
    os.remove(splits / 'cartwheel_test_split3.txt')
    with pytest.raises(PreparationError, match='split 3 does not have'):
        prepare_hmdb51(str(splits), str(tmp_path / 'out'), splits=[3])


K400_HEADER = 'label,youtube_id,time_start,time_end,split\n'


def make_kinetics(root):
    rows = {
        'train': [('air drumming', 'aaa', 10, 20), ('abseiling', 'bbb', 0, 10),
                  ('abseiling', 'ccc', 5, 15)],
        'val': [('abseiling', 'ddd', 1, 11), ('air drumming', 'eee', 3, 13)]
    }
    for phase, items in rows.items():
        (root / f'{phase}.csv').write_text(K400_HEADER + ''.join(
            f'"{label}",{yid},{start},{end},{phase}\n'
            for label, yid, start, end in items))
    # train: per-class folders; val: flat. 'ccc' is missing.
    _touch(root / 'videos_train' / 'air_drumming' / 'aaa_000010_000020.mp4')
    _touch(root / 'videos_train' / 'abseiling' / 'bbb_000000_000010.mp4')
    _touch(root / 'videos_val' / 'ddd_000001_000011.mp4')
    _touch(root / 'videos_val' / 'eee_000003_000013.webm')
    return {phase: str(root / f'{phase}.csv') for phase in rows}


def test_kinetics_lookup_classes_and_missing_report(tmp_path):
    csvs = make_kinetics(tmp_path)
    roots = {p: str(tmp_path / f'videos_{p}') for p in csvs}
    report = prepare_kinetics(csvs, str(tmp_path / 'out'), roots)
    out = tmp_path / 'out'
    assert (out / 'kinetics400_classes.txt').read_text().splitlines() == \
        ['abseiling', 'air drumming']
    assert (out / 'kinetics400_train_list_videos.txt').read_text() == (
        'air_drumming/aaa_000010_000020.mp4 1\n'
        'abseiling/bbb_000000_000010.mp4 0\n')
    assert (out / 'kinetics400_val_list_videos.txt').read_text() == (
        'ddd_000001_000011.mp4 0\neee_000003_000013.webm 1\n')
    train = report['phases']['train']
    assert (train['written'], train['missing']) == (2, 1)
    assert open(train['missing_file']).read() == 'ccc_000005_000015.mp4\n'


@pytest.mark.parametrize('row, message', [
    ('abseiling,fff,1.5,11,val\n', r'val.csv:4: time_start .*1.5'),
    ('bowling,fff,1,11,val\n', r"not in the train CSV: \['bowling'\]"),
])
def test_kinetics_bad_rows(tmp_path, row, message):
    csvs = make_kinetics(tmp_path)
    with open(csvs['val'], 'a') as f:
        f.write(row)
    with pytest.raises(PreparationError, match=message):
        prepare_kinetics(csvs, str(tmp_path / 'out'))


def test_kinetics_refuses_paths_with_spaces(tmp_path):
    csvs = make_kinetics(tmp_path)
    os.rename(tmp_path / 'videos_train' / 'air_drumming',
              tmp_path / 'videos_train' / 'air drumming')
    with pytest.raises(
            PreparationError,
            match=r'1 video paths contain '
            r"whitespace.*'air drumming/aaa_000010_000020.mp4'"):
        prepare_kinetics(csvs, str(tmp_path / 'out'),
                         {'train': str(tmp_path / 'videos_train')})


def test_kinetics_bad_header(tmp_path):
    (tmp_path / 'train.csv').write_text('name,id\nx,y\n')
    with pytest.raises(PreparationError, match=r"lacks \['label'"):
        prepare_kinetics({'train': str(tmp_path / 'train.csv')},
                         str(tmp_path / 'out'))


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / 'list.txt'
    write_text_atomic(str(target), 'old\n')

    def fail(*args):
        raise OSError('disk full')

    monkeypatch.setattr(os, 'replace', fail)
    with pytest.raises(OSError, match='disk full'):
        write_text_atomic(str(target), 'new\n')
    assert target.read_text() == 'old\n'
    assert os.listdir(tmp_path) == ['list.txt']  # no temporary left


def test_annotation_reader_and_entry_errors(tmp_path):
    ann = tmp_path / 'ann.txt'
    ann.write_text('a.mp4 1\n\nb.mp4 x\n')
    with pytest.raises(PreparationError, match=r"ann.txt:3: .*'x'"):
        read_annotation(str(ann))
    ann.write_text('\n\n')
    with pytest.raises(PreparationError, match='empty'):
        read_annotation(str(ann))
