"""Import a script of ``tools/`` (not a package) as a module, so a test can
call its ``main`` in process instead of paying an interpreter start-up."""
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Union


def load_tool(path: Union[str, Path]) -> ModuleType:
    """The module of the script at ``path``, freshly executed."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(
        f'{path.parent.name}_{path.stem}_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
