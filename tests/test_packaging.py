"""Packaging: the license, the Python version, and OpenMMLab's mim layout
(``mim train mmskd CONFIG`` finds the installed package's tools)."""
import configparser
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO_ROOT
from helpers.tiny_run import child_env


def _setup_cfg():
    cfg = configparser.ConfigParser()
    cfg.read(REPO_ROOT / 'setup.cfg')
    return cfg


def test_license_file_matches_setup_cfg():
    text = (REPO_ROOT / 'LICENSE').read_text()
    assert _setup_cfg()['metadata']['license'] == 'Apache-2.0'
    assert 'Apache License' in text and 'Version 2.0, January 2004' in text
    assert 'END OF TERMS AND CONDITIONS' in text


def test_python_requires_is_what_runs_the_tests():
    from packaging.specifiers import SpecifierSet
    spec = SpecifierSet(_setup_cfg()['options']['python_requires'])
    assert '.'.join(map(str, sys.version_info[:3])) in spec
    assert '3.10.0' not in spec and '3.12.0' not in spec


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    """A wheel built from a copy of the sources (a build writes into its
    source tree: build/, *.egg-info, mmskd/.mim)."""
    out = tmp_path_factory.mktemp('wheel')
    src = out / 'src'
    shutil.copytree(REPO_ROOT, src, ignore=shutil.ignore_patterns(
        '.git', '.venv', 'work_dirs', 'data', 'build', 'model_zoo', '.mim',
        '*.egg-info', '__pycache__', '.pytest_cache'))
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                    '--no-build-isolation', '-q', str(src), '-w',
                    str(out)], check=True, capture_output=True)
    return next(out.glob('mmskd-*.whl'))


def test_wheel_carries_mims_layout(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ('mmskd/.mim/model-index.yml',
                 'mmskd/.mim/tools/train.py', 'mmskd/.mim/tools/test.py',
                 'mmskd/.mim/configs/skd_srl/r18_ucf101.py',
                 'mmskd/.mim/configs/skd_srl/metafile.yml'):
        assert path in names, path


@pytest.mark.slow
def test_mim_train_and_test_find_the_installed_tools(wheel, tmp_path):
    """The wheel installed into its own folder; mim (openmim, installed
    without its dependencies: its pins, e.g. setuptools~=60.2 through
    openxlab, conflict with torch's) trains and tests through the
    package's ``.mim/tools``, from outside the repository."""
    target, mim = tmp_path / 'site', tmp_path / 'mim'
    pip = [sys.executable, '-m', 'pip', 'install', '-q', '--no-deps',
           '--target']
    subprocess.run(pip + [str(target), str(wheel)], check=True)
    # openmim and what it imports at start-up, without their pins
    mim_deps = ['openmim==0.3.9', 'click', 'colorama', 'model-index',
                'tabulate', 'requests', 'urllib3', 'idna', 'certifi',
                'charset-normalizer', 'ordered-set', 'markdown', 'pandas',
                'python-dateutil', 'six', 'pytz', 'tzdata', 'rich',
                'pygments', 'markdown-it-py', 'mdurl']
    done = subprocess.run(pip + [str(mim), *mim_deps],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f'openmim not installable here: {done.stderr[-300:]}')
    from helpers.videos import make_video_set
    data = tmp_path / 'data'
    make_video_set(data, {'train': 4, 'val': 2})
    config = REPO_ROOT / 'configs/baselines/r18_synthetic_demo.py'
    tiny = ['model.backbone.base_channels=4', 'model.cls_head.in_channels=32',
            'model.cls_head.num_classes=2', 'train_cfg.max_epochs=1']
    for split, ann in (('train', 'train'), ('val', 'val'), ('test', 'val')):
        tiny += [f'{split}_dataloader.dataset.ann_file={data}/{ann}.txt',
                 f'{split}_dataloader.dataset.data_prefix.video={data}',
                 f'{split}_dataloader.dataset.num_classes=2',
                 f'{split}_dataloader.batch_size=2',
                 f'{split}_dataloader.num_workers=0',
                 f'{split}_dataloader.persistent_workers=False']
    env = child_env(PYTHONPATH=f'{target}:{mim}')
    work = tmp_path / 'work'
    run = [sys.executable, '-m', 'mim']
    train = subprocess.run(
        run + ['train', 'mmskd', str(config), '--gpus', '0', '--work-dir',
               str(work), '--cfg-options', *tiny],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert train.returncode == 0, train.stdout[-2000:] + train.stderr[-2000:]
    assert f'{target}/mmskd/.mim/tools/train.py' in train.stdout
    assert (work / 'epoch_1.pth').is_file()
    test = subprocess.run(
        run + ['test', 'mmskd', str(config), '--checkpoint',
               str(work / 'epoch_1.pth'), '--gpus', '0', '--work-dir',
               str(tmp_path / 'test'), '--cfg-options', *tiny],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert test.returncode == 0, test.stdout[-2000:] + test.stderr[-2000:]
    assert 'acc/top1' in test.stdout + test.stderr
