"""The package's layers: a module imports only from its own layer or below,
so that the shared helpers never pull in models, and models never pull in
the tools that release or study them."""
import ast
from pathlib import Path

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / 'mmskd'
LAYERS = {  # higher may import lower, never the reverse
    'utils': 0, 'version': 0, 'compat': 0,
    'models': 1, 'datasets': 1, 'visualization': 1,
    'engine': 2,
    'apis': 3,
    'deployment': 4, 'zoo': 4, 'studies': 4, 'benchmarks': 4,
}


def _home(module: str) -> str:
    """``mmskd.models.heads.x`` -> ``models``."""
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else ''


def _imports(path: Path):
    module = '.'.join(path.relative_to(REPO_ROOT).with_suffix('').parts)
    package = module.rsplit('.', 1)[0] if path.name != '__init__.py' \
        else module.removesuffix('.__init__')
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - node.level + 1]
                name = '.'.join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ''
            if name == 'mmskd':  # from mmskd import apis, models ...
                yield from (f'mmskd.{a.name}' for a in node.names)
            else:
                yield name


def test_every_home_has_a_layer():
    homes = {p.name for p in PACKAGE.iterdir()
             if p.is_dir() and (p / '__init__.py').exists()}
    homes |= {p.stem for p in PACKAGE.glob('*.py') if p.stem != '__init__'}
    assert homes <= set(LAYERS), homes - set(LAYERS)


def test_no_import_from_a_higher_layer():
    upward = []
    for path in sorted(PACKAGE.rglob('*.py')):
        if '.mim' in path.parts:  # mim's copies of tools/ (setup.py)
            continue
        home = _home('.'.join(path.relative_to(REPO_ROOT).parts))
        if path.parent == PACKAGE:
            continue  # mmskd/__init__.py registers everything
        for name in _imports(path):
            if name.startswith('mmskd.') and \
                    LAYERS[_home(name)] > LAYERS[home]:
                upward.append(f'{path.relative_to(REPO_ROOT)} imports {name}')
    assert not upward, '\n'.join(upward)
