"""Every command line of the README and docs/ runs as written, on tiny data and models.

Commands are read from the markdown (``markdown_commands.py``) and run in a sandbox checkout
(``doc_sandbox.py`` says what it holds and the few things a command line is changed by):
``python tools/X.py`` in this process through the tool's ``main``, ``bash tools/*.sh`` as a
subprocess (the two halves of a 2-node launch at once, with a stand-in ``srun`` on PATH for
the slurm scripts), ``make T`` as ``make -n T`` (the target exists; ``make test`` is this
suite). The few commands that are not executed are listed below with the reason, and their
arguments are still parsed by the tool's own parser, so a renamed flag fails here.
"""
import os
import os.path as osp
import runpy
import subprocess
import sys
import threading

import pytest

from .doc_sandbox import DocSandbox
from .markdown_commands import Command, block_commands, documents, file_blocks, inline_commands
from ..helpers.e2e import REPO
from ..helpers.launch import LAUNCH_VARS, free_port, write_srun

pytestmark = pytest.mark.slow

# Tools whose documented runs take minutes to hours: their arguments are parsed, not run.
PARSE_ONLY = {
    'tools/benchmark.py': 'measures for minutes (tests/tools/test_benchmark.py runs each '
                          'section at tiny sizes)',
    'tools/gpu_check.py': 'needs a GPU and minutes (tests/tools/test_gpu_check.py runs every '
                          'section with --tiny --device cpu)',
    'tools/demo.py': 'trains 10-72 models (tests/tools/test_demo.py runs the driver on the '
                     'tiny preset)',
    'tools/make_synthetic_dataset.py': 'the demo preset takes 1.5 min (tests/datasets/'
                                       'synthetic generate the tiny preset)',
}
NOT_RUN = {'source': 'changes the calling shell only', 'pytest': 'this test suite'}
DOCS = documents(REPO)


def _tool(argv: list) -> str:
    """``tools/X.py`` of a python command line (``python``, ``.venv/bin/python``)."""
    return argv[1] if len(argv) > 1 and argv[0].endswith('python') else ''


def _kind(command: Command) -> str:
    argv = command.argv
    if argv[0] in NOT_RUN or (argv[1:2] == ['-m'] and argv[2] in NOT_RUN):
        return 'not run'
    if argv[0] == 'make':
        return 'make'
    if argv[0] == 'bash' and argv[1].startswith('tools/'):
        return 'bash'
    if _tool(argv).startswith('tools/'):
        return 'parse' if _tool(argv) in PARSE_ONLY else 'python'
    raise AssertionError(f'{command.source}:{command.line}: no rule runs {command.text!r}; '
                         'add one to tests/docs/test_doc_commands.py')


def _run_python(sandbox: DocSandbox, command: Command, parse_only: bool):
    namespace = runpy.run_path(osp.join(REPO, _tool(command.argv)), run_name='doc_command')
    cwd = os.getcwd()
    os.chdir(sandbox.cwd)
    try:
        if parse_only:
            namespace['parse_args'](command.argv[2:])
            return
        code = namespace['main'](command.argv[2:])
    except SystemExit as exc:
        code = exc.code
    finally:
        os.chdir(cwd)
    assert code in (None, 0) or not isinstance(code, int), \
        f'{command.source}:{command.line}: {command.text!r} exited with {code}'


def _start_bash(sandbox: DocSandbox, command: Command, srun_dir: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if k not in LAUNCH_VARS and not k.startswith('SLURM_')}
    env.update(PYTHON=sys.executable, OMP_NUM_THREADS='1',
               PATH=srun_dir + os.pathsep + os.environ['PATH'], **command.env)
    return subprocess.Popen(command.argv, cwd=sandbox.cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _wait(procs: list, commands: list) -> None:
    outputs = [None] * len(procs)

    def read(i):
        outputs[i] = procs[i].communicate(timeout=600)[0]
    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(procs))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    for proc, command, out in zip(procs, commands, outputs):
        assert proc.returncode == 0, (f'{command.source}:{command.line}: {command.text!r} '
                                      f'exited with {proc.returncode}:\n{out[-4000:]}')


@pytest.fixture(scope='module')
def sandbox(tiny_synthetic, random_yolo, tmp_path_factory):
    tmp = tmp_path_factory.mktemp('doc_commands')
    box = DocSandbox(str(tmp), *tiny_synthetic, random_yolo)
    box.srun_dir = write_srun(str(tmp / 'bin'))
    box.done = set()
    return box


def _groups(commands: list) -> list:
    """Consecutive commands of one multi-node launch (``NODE_RANK`` 0, 1, ...) form a group."""
    groups = []
    for command in commands:
        rank = command.env.get('NODE_RANK')
        if rank is not None and rank != '0' and groups and \
                groups[-1][-1].env.get('NODE_RANK') is not None:
            groups[-1].append(command)
        else:
            groups.append([command])
    return groups


@pytest.mark.parametrize('doc', DOCS, ids=[osp.relpath(d, REPO) for d in DOCS])
def test_every_command_of_the_page_runs(doc, sandbox):
    sandbox.write_page_files(file_blocks(doc))
    for group in _groups(block_commands(doc)):
        port = free_port()
        group = [sandbox.substitute(c, port) for c in group]
        key = tuple((tuple(sorted(c.env.items())), tuple(c.argv)) for c in group
                    if 'PORT' not in c.env)
        kinds = {_kind(c) for c in group}
        if key and key in sandbox.done:
            continue  # the same tiny command already ran (e.g. on another page)
        if kinds == {'bash'}:
            _wait([_start_bash(sandbox, c, sandbox.srun_dir) for c in group], group)
        else:
            for command in group:
                kind = _kind(command)
                if kind == 'make':
                    proc = subprocess.run(['make', '-n', *command.argv[1:]], cwd=REPO,
                                          capture_output=True, text=True)
                    assert proc.returncode == 0, proc.stderr
                elif kind in ('python', 'parse'):
                    _run_python(sandbox, command, parse_only=kind == 'parse')
        sandbox.done.add(key)


@pytest.mark.parametrize('doc', DOCS, ids=[osp.relpath(d, REPO) for d in DOCS])
def test_tool_calls_in_the_prose_are_commands_of_a_block(doc):
    """A command quoted inline must also stand in a block (where the test above runs it)."""
    written = {c.text for d in DOCS for c in block_commands(d)}
    loose = [(line, text) for line, text in inline_commands(doc)
             if text not in written and not text.startswith('make ')]
    assert not loose, f'{osp.relpath(doc, REPO)}: inline commands no block runs: {loose}'


def test_pages_hold_commands_and_every_kind_has_a_rule():
    commands = [c for d in DOCS for c in block_commands(d)]
    assert len(commands) >= 20
    kinds = {_kind(c) for c in commands}
    assert {'python', 'bash', 'make'} <= kinds
    assert all(tool in {_tool(c.argv) for c in commands} for tool in PARSE_ONLY), \
        'a PARSE_ONLY tool no page runs any more: remove it from the list'


def test_the_own_recordings_page_runs_with_the_configs_it_shows():
    page = osp.join(REPO, 'docs', 'own_recordings.md')
    assert page in DOCS
    files = dict(file_blocks(page))
    assert sorted(files) == ['configs/my_home/teacher_multiasl_my_home_av_f.py',
                             'configs/my_home/vicokd_multiasl_my_home_v_f.py']
    named = {w for c in block_commands(page) for w in c.argv if w.startswith('configs/')}
    assert named == set(files)  # its commands train and test exactly the configs it shows
