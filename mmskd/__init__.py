"""mmskd: SKD-SRL for MMAction2.

``import mmskd`` applies the stack fixes in :mod:`mmskd.compat` and registers
every component into MMAction2's registries (``default_scope='mmaction'``).
"""
from . import compat

compat.apply_all()

from . import apis, datasets, engine, models  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
