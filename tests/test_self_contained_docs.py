"""What a user reads and runs must not point outside the repository: the
developers' working notes and shared data are not in a user's clone."""
import re

import pytest

from conftest import REPO_ROOT

FORBIDDEN = re.compile(r'\.\./shared|METHOD\.md|STACK\.md')
USER_FACING = ['README.md', 'Makefile', 'setup.cfg', 'docs', 'configs',
               'mmskd', 'tools']
SUFFIXES = {'.md', '.py', '.yml', '.yaml', '.cfg', '.txt', '.sh', ''}


def _files():
    for name in USER_FACING:
        path = REPO_ROOT / name
        if path.is_file():
            yield path
        else:
            yield from (p for p in path.rglob('*') if p.is_file() and
                        p.suffix in SUFFIXES and '__pycache__' not in p.parts
                        and '.mim' not in p.parts)  # setup.py's mim links


def test_user_facing_files_are_found():
    files = list(_files())
    assert len(files) > 100
    assert REPO_ROOT / 'docs' / 'method.md' in files


@pytest.mark.parametrize('path', list(_files()),
                         ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_pointer_outside_the_repository(path):
    hits = [f'{path.relative_to(REPO_ROOT)}:{n}: {line.strip()}'
            for n, line in enumerate(path.read_text(errors='replace')
                                     .splitlines(), 1)
            if FORBIDDEN.search(line)]
    assert not hits, '\n'.join(hits)


def test_method_and_stack_docs_exist_and_are_linked():
    readme = (REPO_ROOT / 'README.md').read_text()
    for doc in ('docs/method.md', 'docs/stack.md'):
        assert (REPO_ROOT / doc).is_file()
        assert f'({doc})' in readme, f'README does not link {doc}'


# Markdown links `[text](target)` and HTML images `<img src="target">`.
LINK = re.compile(r'\]\(([^)\s]+)\)|<img [^>]*src="([^"]+)"')


def _markdown_files():
    yield REPO_ROOT / 'README.md'
    for name in ('docs', 'configs'):
        yield from (REPO_ROOT / name).rglob('*.md')


@pytest.mark.parametrize('path', list(_markdown_files()),
                         ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_relative_links_and_images_resolve(path):
    """A link or figure that points at a file must find it in the
    repository (a README figure that is not committed shows as a broken
    image to every user); a PNG must be a non-empty PNG."""
    broken = []
    for match in LINK.finditer(path.read_text()):
        target = (match.group(1) or match.group(2)).split('#')[0]
        if not target or re.match(r'[a-z]+:', target):
            continue  # an anchor in the same page, or a URL
        resolved = (path.parent / target).resolve()
        if not resolved.exists():
            broken.append(target)
        elif resolved.suffix == '.png':
            head = resolved.read_bytes()[:8]
            if head != b'\x89PNG\r\n\x1a\n' or resolved.stat().st_size < 1000:
                broken.append(f'{target} (not a PNG with content)')
    assert not broken, f'{path.relative_to(REPO_ROOT)}: {broken}'


DOC_PATH = re.compile(r'(?<![\w/.])docs/[\w./-]+\.(?:md|png|csv|json)\b')


def test_docs_paths_named_in_code_and_configs_exist():
    """A comment, message or doc that names a file under docs/ (``see
    docs/method.md``) must name one that exists: files move."""
    missing = []
    for path in _files():
        for n, line in enumerate(path.read_text(errors='replace')
                                 .splitlines(), 1):
            for match in DOC_PATH.finditer(line):
                if re.search(r'/[A-Z][A-Z_]*/', match.group(0)):
                    continue  # a pattern: docs/studies/NAME/ROW/seedS.json
                if not (REPO_ROOT / match.group(0)).exists():
                    missing.append(f'{path.relative_to(REPO_ROOT)}:{n}: '
                                   f'{match.group(0)}')
    assert not missing, '\n'.join(missing)
