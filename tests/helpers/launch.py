"""Starting distributed runs in tests: a free port, the launcher scripts with a clean environment
(:func:`start_script`, :func:`finish`), and a stand-in ``srun`` for the slurm scripts.

The stand-in reads the options the scripts pass (``-p`` and ``--key=value``), starts ``--ntasks``
copies of the command with the variables slurm gives each task (``SLURM_PROCID``,
``SLURM_NTASKS``, ``SLURM_LOCALID``, ``SLURM_NODEID``, ``SLURM_NNODES``, ``SLURM_NODELIST``, ...),
stops them all when one fails (``--kill-on-bad-exit``) and logs each call to ``$SRUN_LOG`` when
that is set.
"""
import os
import socket
import stat
import subprocess
import sys

SRUN = '''#!{python}
"""Stand-in for Slurm's srun on one machine: --ntasks tasks, --ntasks-per-node a "node"."""
import json, os, subprocess, sys, time
argv, opts = sys.argv[1:], {{}}
while argv[0].startswith('-'):
    if argv[0] == '-p':
        opts['partition'], argv = argv[1], argv[2:]
        continue
    key, _, value = argv.pop(0).lstrip('-').partition('=')
    opts[key] = value
if os.environ.get('SRUN_LOG'):
    with open(os.environ['SRUN_LOG'], 'a') as f:
        f.write(json.dumps(dict(opts=opts, command=argv)) + '\\n')
ntasks, per_node = int(opts['ntasks']), int(opts['ntasks-per-node'])
nodes = ['localhost'] * -(-ntasks // per_node)
procs = [subprocess.Popen(argv, env=dict(
    os.environ, SLURM_PROCID=str(r), SLURM_NTASKS=str(ntasks), SLURM_LOCALID=str(r % per_node),
    SLURM_NODEID=str(r // per_node), SLURM_NNODES=str(len(nodes)),
    SLURM_NODELIST=','.join(nodes), SLURM_NTASKS_PER_NODE=str(per_node),
    SLURM_JOB_NAME=opts['job-name'], SLURM_CPUS_PER_TASK=opts['cpus-per-task']))
    for r in range(ntasks)]
while any(p.poll() is None for p in procs):  # --kill-on-bad-exit=1: one fails, all stop
    if any(p.poll() for p in procs):
        for p in procs:
            if p.poll() is None:
                p.kill()
    time.sleep(0.2)
sys.exit(max(abs(p.returncode) for p in procs))
'''


# Variables a launcher sets for its processes; a test starts its launches without inherited ones.
LAUNCH_VARS = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def write_srun(folder: str) -> str:
    """Write the stand-in as ``<folder>/srun`` (executable); returns ``folder`` for PATH."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, 'srun')
    with open(path, 'w') as f:
        f.write(SRUN.format(python=sys.executable))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return folder


SLURM_VARS = ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_LOCALID', 'SLURM_NODELIST')


def launch_env(**extra) -> dict:
    """This process's environment without launch and slurm variables, one thread a process,
    ``PYTHON`` this interpreter, and ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARS + SLURM_VARS}
    return {**env, 'PYTHON': sys.executable, 'OMP_NUM_THREADS': '1', **extra}


def start_script(repo: str, script: str, args: list, **env):
    """``bash <repo>/tools/<script> <args>`` in ``repo``, output captured (see :func:`finish`)."""
    return subprocess.Popen(['bash', os.path.join(repo, 'tools', script), *map(str, args)],
                            cwd=repo, env=launch_env(**env), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def finish(*procs) -> None:
    """Wait for every process; each must exit with 0 (the tail of its output otherwise)."""
    outs = [p.communicate(timeout=600)[0] for p in procs]
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out[-4000:]
