"""The README's Table II numbers are the committed
docs/studies/table2_under_trained.md's."""
import re

from conftest import REPO_ROOT

from mmskd.studies.table2_report import quoted_table, readme_block

README = REPO_ROOT / 'README.md'
RESULTS = REPO_ROOT / 'docs' / 'studies' / 'table2_under_trained.md'
SECTION = "## The paper's comparisons (Table II)"


def test_readme_block_is_the_results_video_table():
    block = readme_block(README.read_text(encoding='utf-8'))
    table = quoted_table(RESULTS.read_text(encoding='utf-8'))
    assert block == table, ('README.md is out of date: run `python -m '
                            'mmskd.studies.table2_report README.md '
                            'docs/studies/table2_under_trained.md`')
    for method in ('Baseline', 'Baseline + data augment', 'KD', 'Self-KD',
                   'SKD-SRL'):
        assert f'| {method} |' in block


def test_every_number_of_the_readme_section_is_in_results():
    """Prose too: a decimal number quoted in the README's Table II section
    must appear in docs/studies/table2_under_trained.md."""
    text = README.read_text(encoding='utf-8')
    section = text[text.index(SECTION):]
    section = section[:section.index('\n## ', len(SECTION))]
    results = RESULTS.read_text(encoding='utf-8')
    numbers = re.findall(r'\d+\.\d+', section)
    assert numbers, 'the section quotes no numbers'
    missing = [n for n in numbers  # whole numbers only: 1.5 is not in 31.55
               if not re.search(rf'(?<![\d.]){re.escape(n)}(?![\d])',
                                results)]
    assert not missing, f'README numbers not in {RESULTS.name}: {missing}'
