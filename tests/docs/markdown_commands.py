"""Command lines of the README and docs/, read from the markdown itself (not copied into tests).

A command is one logical line of a fenced ``bash`` block: ``\\`` continuations are joined,
comments (``# ...``) and blank lines dropped. Commands in inline code spans of the prose are
reported separately, so a test can insist that every command lives in a block it runs. A
``python`` block whose first line is ``# configs/<path>.py`` is a file the page asks the reader
to write (``file_blocks``).
"""
import glob
import os.path as osp
import re
import shlex
from dataclasses import dataclass, field

FENCE = re.compile(r'^```(\w*)\s*$')
INLINE = re.compile(r'`([^`\n]+)`')
FILE_LINE = re.compile(r'^#\s*(configs/[\w./-]+\.py)\s*$')
TOOL_CALL = re.compile(r'^(?:[A-Z_]+=\S+\s+)*(?:python|bash|make)\s+(?:tools/|-m\s|\w)')


@dataclass
class Command:
    """One command line: where it is written, its environment assignments and its argv."""
    source: str
    line: int
    text: str
    env: dict = field(default_factory=dict)
    argv: list = field(default_factory=list)


def split_command(text: str) -> tuple[dict, list]:
    """Leading ``VAR=value`` assignments and the argv of a shell command line."""
    words = shlex.split(text, comments=True)
    env = {}
    while words and re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', words[0]):
        key, value = words.pop(0).split('=', 1)
        env[key] = value
    return env, words


def block_commands(path: str) -> list[Command]:
    """Every command of the fenced ``bash``/``sh`` blocks of one markdown file, in order."""
    with open(path) as f:
        lines = f.read().splitlines()
    commands, in_block, lang, pending, start = [], False, '', '', 0
    for number, line in enumerate(lines, 1):
        fence = FENCE.match(line.strip())
        if fence:
            in_block, lang = (not in_block), (fence.group(1) if not in_block else '')
            continue
        if not in_block or lang not in ('bash', 'sh', 'shell'):
            continue
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith('#')):
            continue
        if not pending:
            start = number
        pending += ' ' + stripped.rstrip('\\').strip() if pending else stripped.rstrip('\\')
        if stripped.endswith('\\'):
            continue
        env, argv = split_command(pending)
        if argv:
            commands.append(Command(path, start, pending.strip(), env, argv))
        pending = ''
    return commands


def file_blocks(path: str) -> list[tuple[str, str]]:
    """``(configs/<path>.py, text)`` of every ``python`` block that names its file first."""
    with open(path) as f:
        lines = f.read().splitlines()
    files, block, lang = [], None, ''
    for line in lines:
        fence = FENCE.match(line.strip())
        if fence and block is None:
            block, lang = [], fence.group(1)
        elif fence:
            name = FILE_LINE.match(block[0]) if lang == 'python' and block else None
            if name:
                files.append((name.group(1), '\n'.join(block) + '\n'))
            block = None
        elif block is not None:
            block.append(line)
    return files


def inline_commands(path: str) -> list[tuple[int, str]]:
    """``(line, text)`` of inline code spans outside fences that look like a tool call."""
    with open(path) as f:
        lines = f.read().splitlines()
    found, in_block = [], False
    for number, line in enumerate(lines, 1):
        if FENCE.match(line.strip()):
            in_block = not in_block
            continue
        if not in_block:
            found += [(number, m) for m in INLINE.findall(line) if TOOL_CALL.match(m)]
    return found


def documents(repo: str) -> list[str]:
    """The README and every page under docs/."""
    return [osp.join(repo, 'README.md')] + sorted(glob.glob(osp.join(repo, 'docs', '*.md')))
