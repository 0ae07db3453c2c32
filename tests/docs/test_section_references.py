"""Every README / docs section that the code, tools and configs name exists.

Error messages, docstrings and comments under ``mmvicokd/``, ``tools/`` and ``configs/`` send
readers to ``README.md`` or ``docs/<page>.md``, often to one section (``README, "Heading"``,
``docs/design.md section 3``); ``section_references.py`` says how they are read. A renamed
or removed section fails here with the file that names it.
"""
import glob
import os.path as osp

import pytest

from .section_references import (Reference, heading_exists, headings, number_exists,
                                  references, text_blocks)
from ..helpers.e2e import REPO

SOURCES = sorted(p for folder in ('mmvicokd', 'tools', 'configs')
                 for ext in ('py', 'sh')
                 for p in glob.glob(osp.join(REPO, folder, '**', f'*.{ext}'), recursive=True))


def _problem(ref: Reference) -> str:
    page = osp.join(REPO, ref.page)
    if not osp.isfile(page):
        return f'{ref}: no such page'
    found = headings(page)
    if ref.heading and not heading_exists(ref.heading, found):
        return f'{ref}: no such heading in {ref.page}'
    missing = [n for n in ref.numbers if not number_exists(n, found)]
    if missing:
        return f'{ref}: no section numbered {missing} in {ref.page}'
    return ''


def test_every_named_page_and_section_exists():
    refs = [ref for path in SOURCES for ref in references(path, REPO)]
    assert len(refs) > 20  # the reader finds them
    problems = [p for p in map(_problem, refs) if p]
    assert not problems, 'references to sections that do not exist:\n' + '\n'.join(problems)


@pytest.mark.parametrize('text, page, heading, numbers', [
    ('x (README, "Pre-trained weights")', 'README.md', 'Pre-trained weights', ()),
    ("the README's \"Data\" section", 'README.md', 'Data', ()),
    ('see docs/design.md section 3.', 'docs/design.md', '', ('3',)),
    ('(docs/design.md sections 3 and 8)', 'docs/design.md', '', ('3', '8')),
    ('(docs/design.md 3, 8)', 'docs/design.md', '', ('3', '8')),
    ('(docs/design.md §2)', 'docs/design.md', '', ('2',)),
    ('(docs/interfaces.md, Data)', 'docs/interfaces.md', 'Data', ()),
    ('docs/tools.md, "Speed: decoding"', 'docs/tools.md', 'Speed: decoding', ()),
    ('configs/vicokd/README.md lists them', None, None, None),
    ('read docs/usage.md first', 'docs/usage.md', '', ()),
])
def test_the_reader_finds_each_form(tmp_path, text, page, heading, numbers):
    source = tmp_path / 'module.py'
    half = len(text) // 2  # split over two adjacent literals, as long messages are
    source.write_text(f'MESSAGE = ({text[:half]!r}\n           {text[half:]!r})\n')
    refs = references(str(source), str(tmp_path))
    if page is None:
        assert refs == []
        return
    assert [(r.page, r.heading, r.numbers) for r in refs] == [(page, heading, numbers)]


def test_comments_are_joined_across_lines(tmp_path):
    source = tmp_path / 'module.py'
    source.write_text('x = 1  # two processes beat one (docs/synthetic_demo.md, "The demo\'s\n'
                      '# choices, measured")\n')
    assert text_blocks(str(source))[-1].endswith('"The demo\'s choices, measured")')
    (ref,) = references(str(source), str(tmp_path))
    assert ref.heading == "The demo's choices, measured"


def test_headings_match_by_prefix_and_number():
    found = ['7. Install facts (Python 3.11)', 'Loss scales: does every term act?']
    assert heading_exists('Install facts', found) and heading_exists('Loss scales', found)
    assert not heading_exists('Loss', ['Losses']) and number_exists('7', found)
