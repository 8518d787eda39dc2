"""Packaging (metadata in setup.cfg), plus OpenMMLab's mim layout.

``mim train mmskd CONFIG`` / ``mim test mmskd CONFIG`` look for the
package's tools and configs in ``<installed package>/.mim/``. A wheel or
sdist gets copies of ``configs/``, ``tools/`` and ``model-index.yml`` there;
any other build (an editable install) gets symlinks, so it keeps following
the repository.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import setup

ROOT = osp.dirname(osp.abspath(__file__))
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def add_mim_extension() -> None:
    mim = osp.join(ROOT, 'mmskd', '.mim')
    copy = any(cmd in sys.argv for cmd in ('bdist_wheel', 'sdist'))
    os.makedirs(mim, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(ROOT, name), osp.join(mim, name)
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if copy:
            (shutil.copytree if osp.isdir(src) else shutil.copyfile)(src, dst)
        else:
            os.symlink(osp.relpath(src, mim), dst)


def remove_mim_copies() -> None:
    """After a wheel or sdist: drop the copies from the source tree."""
    mim = osp.join(ROOT, 'mmskd', '.mim')
    if any(cmd in sys.argv for cmd in ('bdist_wheel', 'sdist')):
        shutil.rmtree(mim, ignore_errors=True)


if __name__ == '__main__':
    add_mim_extension()
    try:
        setup()
    finally:
        remove_mim_copies()
