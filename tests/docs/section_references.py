"""The README / docs sections that source files name, read from the source itself.

A reference is a page, ``README`` (the repository's ``README.md``) or ``docs/<page>.md``,
optionally followed by the section it means:

* ``README, "Heading"``, ``README's "Heading"``, ``docs/<page>.md, "Heading"`` or an unquoted
  capitalised word (``docs/interfaces.md, Data``): a heading of the page that starts with
  those words;
* ``docs/<page>.md section 3``, ``sections 3 and 8``, ``§2``, ``docs/design.md 3, 8``: headings
  numbered ``3.``, ``8.``.

Text is read as Python reads it: string literals (docstrings, messages; adjacent literals joined
as the parser joins them) and comments (consecutive comment lines joined), with whitespace
collapsed, so a reference split over lines or literals is found whole.
"""
import io
import os.path as osp
import re
import tokenize
from dataclasses import dataclass

PAGE = re.compile(r'(?<![\w/.-])(README(?:\.md)?|docs/[\w-]+\.md)')
QUOTED = re.compile(r"""^(?:'s)?,?\s*(?:the\s+)?["“]([^"”]+)["”]""")
NUMBERED = re.compile(r'^,?\s*(?:sections?\s+|§\s*)?(\d+(?:\s*(?:,|and)\s*\d+)*)(?!\w|\.\d)')
NAMED = re.compile(r'^,\s*([A-Z][\w-]*)')
STRING_PREFIX = re.compile(r'^[rRbBuUfF]*')


@dataclass
class Reference:
    """A page (path relative to the repository) and the section named after it, if any."""
    source: str
    page: str
    heading: str = ''
    numbers: tuple = ()

    def __str__(self) -> str:
        what = f' "{self.heading}"' if self.heading else ''
        what += f' section(s) {", ".join(self.numbers)}' if self.numbers else ''
        return f'{self.source}: {self.page}{what}'


def _literal_text(token: str) -> str:
    body = STRING_PREFIX.sub('', token)
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    return body[len(quote):-len(quote)]


def text_blocks(path: str) -> list[str]:
    """The string literals and comment runs of a Python file (comment runs only for other
    files, e.g. shell scripts), whitespace collapsed."""
    with open(path, encoding='utf-8') as f:
        source = f.read()
    if not path.endswith('.py'):
        lines = [line.split('#', 1)[1] for line in source.splitlines() if '#' in line]
        return [' '.join(' '.join(lines).split())]
    blocks, strings, comments = [], [], []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.STRING:
            strings.append(_literal_text(tok.string))
            continue
        if tok.type == tokenize.COMMENT:
            comments.append(tok.string.lstrip('#'))
            continue
        if tok.type in (tokenize.NL, tokenize.NEWLINE) and not strings:
            continue
        if strings and tok.type not in (tokenize.NL,):
            blocks.append(''.join(strings))
            strings = []
        if comments and tok.type != tokenize.NL:
            blocks.append(' '.join(comments))
            comments = []
    blocks += [''.join(strings), ' '.join(comments)]
    return [' '.join(b.split()) for b in blocks if b.strip()]


def references(path: str, repo: str) -> list[Reference]:
    """Every page reference in the source file ``path``."""
    found = []
    where = osp.relpath(path, repo)
    for text in text_blocks(path):
        for match in PAGE.finditer(text):
            page = 'README.md' if match.group(1).startswith('README') else match.group(1)
            rest = text[match.end():]
            ref = Reference(where, page)
            quoted, numbered, named = QUOTED.match(rest), NUMBERED.match(rest), NAMED.match(rest)
            if quoted:
                ref.heading = quoted.group(1).strip()
            elif numbered and page != 'README.md':
                ref.numbers = tuple(re.findall(r'\d+', numbered.group(1)))
            elif named:
                ref.heading = named.group(1)
            found.append(ref)
    return found


def headings(page: str) -> list[str]:
    """The heading texts of a markdown page, outside fenced blocks."""
    out, fenced = [], False
    with open(page, encoding='utf-8') as f:
        for line in f:
            if line.lstrip().startswith('```'):
                fenced = not fenced
            elif not fenced and re.match(r'^#{1,6}\s', line):
                out.append(line.lstrip('#').strip())
    return out


def heading_exists(heading: str, page_headings: list) -> bool:
    """A heading equals ``heading`` or starts with it (then a non-word character), with or
    without its ``N.`` number; ``->`` reads as ``→``."""
    heading = heading.replace('->', '→')
    for text in page_headings:
        text = text.replace('->', '→')
        for candidate in (text, re.sub(r'^\d+\.\s*', '', text)):
            if candidate == heading or (candidate.startswith(heading) and
                                        not candidate[len(heading)].isalnum()):
                return True
    return False


def number_exists(number: str, page_headings: list) -> bool:
    return any(re.match(rf'^{number}\.\s', text) for text in page_headings)
