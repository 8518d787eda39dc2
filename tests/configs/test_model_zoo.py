"""The model zoo: model-index.yml -> configs/skd_srl/metafile.yml, whose
entries must point at existing configs and carry exactly the numbers of the
table in configs/skd_srl/README.md."""
import hashlib
import re

import pytest
import yaml

from conftest import REPO_ROOT

ZOO = REPO_ROOT / 'configs' / 'skd_srl'
README = ZOO / 'README.md'
# "| [r18_ucf101](r18_ucf101.py) | ... |" -> config stem and the cells.
ROW = re.compile(r'^\|\s*\[(?P<name>[a-z0-9_]+)\]\((?P<path>[^)]+)\)\s*\|'
                 r'(?P<rest>.*)\|\s*$')
NUMBER_COLUMNS = {  # README column -> (protocol, metafile metric)
    'video top-1': ('video', 'Top 1 Accuracy'),
    'video top-5': ('video', 'Top 5 Accuracy'),
    'video mean-class': ('video', 'Mean Class Accuracy'),
    'clip top-1': ('clip', 'Top 1 Accuracy'),
}


def _readme_table():
    """{config stem: {column: cell}} of the README's model table."""
    lines = README.read_text().splitlines()
    header = next(i for i, line in enumerate(lines)
                  if line.startswith('| config |'))
    columns = [c.strip() for c in lines[header].strip('|').split('|')]
    rows = {}
    for line in lines[header + 2:]:
        if not line.startswith('|'):
            break
        match = ROW.match(line)
        assert match, f'README row not in the table format: {line}'
        cells = [c.strip() for c in match['rest'].split('|')]
        assert len(cells) == len(columns) - 1, line
        rows[match['name']] = dict(zip(columns[1:], cells),
                                   path=match['path'])
    return rows


def _metafile():
    index = yaml.safe_load((REPO_ROOT / 'model-index.yml').read_text())
    assert index['Import'] == ['configs/skd_srl/metafile.yml']
    return yaml.safe_load((REPO_ROOT / index['Import'][0]).read_text())


def _protocol(result):
    return 'video' if 'video accuracy' in result['Test Protocol'] else 'clip'


def test_metafile_has_the_model_zoo_layout():
    meta = _metafile()
    names = [c['Name'] for c in meta['Collections']]
    assert names == ['SKD-SRL', 'CE baseline']
    for collection in meta['Collections']:
        assert collection['README'] == 'configs/skd_srl/README.md'
    assert meta['Models'], 'no released model'
    assert len({m['Name'] for m in meta['Models']}) == len(meta['Models'])
    for model in meta['Models']:
        assert model['In Collection'] in names
        assert {'Architecture', 'Batch Size', 'Epochs', 'Parameters',
                'Training Data',
                'Training Resources'} <= set(model['Metadata'])
        assert {_protocol(r) for r in model['Results']} == {'video', 'clip'}


def test_every_metafile_config_exists_and_is_named_after_it():
    for model in _metafile()['Models']:
        config = REPO_ROOT / model['Config']
        assert config.is_file(), model['Config']
        if model['In Collection'] == 'SKD-SRL':
            assert model['Config'].startswith('configs/skd_srl/')
            assert config.stem == model['Name']
        else:  # a CE baseline: configs/baselines/<stem>.py, <stem>_baseline
            assert model['Config'].startswith('configs/baselines/')
            assert model['Name'] == f'{config.stem}_baseline'


def test_metafile_numbers_equal_the_readme_table():
    table = _readme_table()
    for model in _metafile()['Models']:
        row = table[model['Name']]
        assert (ZOO / row['path']).resolve() == (REPO_ROOT /
                                                 model['Config']).resolve()
        metrics = {_protocol(r): r['Metrics'] for r in model['Results']}
        for column, (protocol, metric) in NUMBER_COLUMNS.items():
            assert float(row[column]) == metrics[protocol][metric], (
                model['Name'], column)
        assert model['Weights'] in row['weights']


def test_readme_rows_without_a_release_say_so_and_give_the_command():
    table = _readme_table()
    released = {m['Name'] for m in _metafile()['Models']}
    for name, row in table.items():
        assert (ZOO / row['path']).is_file(), row['path']
        if name in released:
            continue
        assert row['video top-1'] == 'not yet trained', name
        assert f'tools/train.py configs/skd_srl/{name}.py' in row['weights']


def test_table_one_configs_are_all_listed():
    table = _readme_table()
    for depth in (18, 50):
        for data in ('ucf101', 'hmdb51', 'k400'):
            assert f'r{depth}_{data}' in table


def test_parameter_counts_are_the_built_models():
    from mmaction.registry import MODELS
    from mmengine.config import Config
    for model in _metafile()['Models']:
        cfg = Config.fromfile(str(REPO_ROOT / model['Config']))
        net = MODELS.build(cfg.model)
        # the released weights include the training-only Siamese head;
        # the deployed network (encoder + FC) is what the zoo counts
        count = sum(p.numel() for n, p in net.named_parameters()
                    if not n.startswith('siamese_head.'))
        assert model['Metadata']['Parameters'] == count


def test_release_name_carries_the_files_hash():
    for model in _metafile()['Models']:
        weights = model['Weights']
        assert re.fullmatch(rf'model_zoo/{model["Name"]}-[0-9a-f]{{8}}\.pth',
                            weights), weights
        path = REPO_ROOT / weights
        if not path.is_file():
            pytest.skip(f'{weights} not here: `make demo zoo` writes it')
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:8]
        assert weights.endswith(f'-{digest}.pth')
