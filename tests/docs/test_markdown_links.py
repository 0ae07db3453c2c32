"""Every relative link of the README, docs/ and the config READMEs reaches a file and a heading.

A page moves a figure to its one home by linking there (``[Cache sizes](reproduce_...md#cache-
sizes)``), so a renamed page or heading must fail a test. Anchors are GitHub's: the heading
lower-cased, punctuation dropped, spaces turned into hyphens; web links are not followed.
"""
import glob
import os.path as osp
import re

import pytest

from .section_references import headings
from ..helpers.e2e import REPO

PAGES = sorted([osp.join(REPO, 'README.md')] + glob.glob(osp.join(REPO, 'docs', '*.md')) +
               glob.glob(osp.join(REPO, 'configs', '*', 'README.md')))
LINK = re.compile(r'\]\(([^)\s]+)\)')


def slug(heading: str) -> str:
    """GitHub's anchor of a heading."""
    text = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return text.replace(' ', '-')


def anchors(page: str) -> set:
    out = set()
    for text in headings(page):
        base = slug(text.replace('`', ''))
        out |= {base} | {f'{base}-{i}' for i in range(1, 5)}
    return out


def _links(page: str) -> list:
    with open(page, encoding='utf-8') as f:
        text = re.sub(r'```.*?```', '', f.read(), flags=re.S)
    return [target for target in LINK.findall(text)
            if not re.match(r'^[a-z]+:', target)]


@pytest.mark.parametrize('page', PAGES, ids=[osp.relpath(p, REPO) for p in PAGES])
def test_relative_links_reach_a_file_and_a_heading(page):
    broken = []
    for target in _links(page):
        path, _, anchor = target.partition('#')
        file = osp.normpath(osp.join(osp.dirname(page), path)) if path else page
        if not osp.exists(file):
            broken.append(f'{target}: no such file')
        elif anchor and file.endswith('.md') and anchor not in anchors(file):
            broken.append(f'{target}: no such heading in {osp.relpath(file, REPO)}')
    assert not broken, f'{osp.relpath(page, REPO)}: {broken}'


def test_slugs_are_githubs():
    assert slug('10. Several GPUs, two nodes, slurm') == '10-several-gpus-two-nodes-slurm'
    assert slug('Paper → this repo: departures and open choices') == \
        'paper--this-repo-departures-and-open-choices'
    assert slug("The demo's choices, measured") == 'the-demos-choices-measured'
