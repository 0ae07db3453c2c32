"""The launchers on CPU (gloo): several nodes with tools/dist_train.sh, and Slurm.

One tiny 2-process training (the demo teacher, 4 epochs of the tiny synthetic set, 1 recording
a process, no dropout, seed 0: ``tests/helpers/dist_runs.py``) is run three ways:

- 1 node x 2 processes: ``bash tools/dist_train.sh CFG 2`` (once per session, shared with
  tests/tools/test_train_test.py);
- 2 nodes x 1 process: two concurrent ``bash tools/dist_train.sh CFG 1`` with ``NNODES=2`` and
  ``NODE_RANK`` 0 and 1 on this machine;
- Slurm: ``bash tools/slurm_train.sh PART JOB CFG`` with ``GPUS=2 GPUS_PER_NODE=2``, through a
  stand-in ``srun`` (``tests/helpers/launch.py``) that starts the tasks with srun's environment.

Each rank reads the same recordings with the same seeds and runs the same float operations in
every case; only the transport differs, and an all-reduce of 2 addends is a single commutative
float add, so the weights should agree bit for bit. The tests allow 1e-6 (far below one Adam
step of lr 1e-3) in case gloo ever sums in another order. ``slurm_test.sh`` with 2 tasks on 2
"nodes" gives tools/test.py's 1-process metrics. The derivation of torch's variables from
srun's is checked against MMEngine's own slurm path (``_init_dist_slurm``).
"""
import glob
import json
import os
import os.path as osp
import stat
import sys

import pytest
import torch

from mmvicokd.utils.cpu_dist import export_slurm_env

from ..helpers.dist_runs import EPOCHS, one_node_run
from ..helpers.e2e import REPO
from ..helpers.launch import LAUNCH_VARS, finish, free_port, start_script, write_srun

# One pytest-xdist worker runs both files: they share the 2-process run of dist_runs.py.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group('dist_run')]

METRICS = ('seq_mAP', 'frame_mAP')

SCONTROL = '''#!/bin/sh
# Stand-in for "scontrol show hostname LIST": one host a line.
case "$3" in
  'node[01-02]') printf 'node01\\nnode02\\n' ;;
  *) echo "$3" | tr ',' '\\n' ;;
esac
'''


def _executable(path, text: str) -> str:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def _start(script: str, args: list, **env):
    return start_script(REPO, script, args, **env)


def _stand_in_srun(tmp) -> dict:
    """Write the stand-in srun to ``tmp/bin``; the environment that puts it on PATH and logs
    each call's options and command to ``tmp/srun.jsonl``."""
    write_srun(str(tmp / 'bin'))
    return dict(PATH=f'{tmp / "bin"}{os.pathsep}{os.environ["PATH"]}',
                SRUN_LOG=str(tmp / 'srun.jsonl'))


def _srun_calls(slurm_env: dict) -> list:
    with open(slurm_env['SRUN_LOG']) as f:
        return [json.loads(line) for line in f]


def _weights(ckpt: str) -> dict:
    return torch.load(ckpt, weights_only=True)['state_dict']


def _train_steps(work_dir: str) -> int:
    """Logged training steps: 2 an epoch when 2 processes share the 4 training recordings."""
    steps = 0
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')):
        with open(path) as f:
            steps += sum('"loss"' in line for line in f)
    return steps


def _max_diff(a: str, b: str) -> float:
    wa, wb = _weights(a), _weights(b)
    assert wa.keys() == wb.keys()
    return max(float((wa[k].float() - wb[k].float()).abs().max()) for k in wa)


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    """The three trainings (see the module docstring): their checkpoints, config and srun log,
    and tools/test.py's 1-process metrics of the 1-node checkpoint."""
    shared = one_node_run(tiny_synthetic, tmp_path_factory)
    path = shared['config']
    tmp = tmp_path_factory.mktemp('launchers')
    slurm_env = _stand_in_srun(tmp)
    work = {'one_node': shared['work_dir'], 'two_nodes': str(tmp / 'two_nodes'),
            'slurm': str(tmp / 'slurm')}
    port = str(free_port())
    finish(*[_start('dist_train.sh', [path, 1, '--work-dir', work['two_nodes']], NNODES='2',
                    NODE_RANK=str(rank), MASTER_ADDR='127.0.0.1', PORT=port)
             for rank in (0, 1)])
    finish(_start('slurm_train.sh', ['part', 'job', path, '--work-dir', work['slurm']],
                  GPUS='2', GPUS_PER_NODE='2', MASTER_PORT=str(free_port()), **slurm_env))
    assert {k: _train_steps(w) for k, w in work.items()} == dict.fromkeys(work, 2 * EPOCHS)
    ckpts = {k: osp.join(w, f'epoch_{EPOCHS}.pth') for k, w in work.items()}
    return dict(config=path, ckpts=ckpts, tmp=tmp, slurm_env=slurm_env,
                single=shared['single'])


def test_two_nodes_train_like_one_node(runs):
    ckpts = runs['ckpts']
    assert _max_diff(ckpts['two_nodes'], ckpts['one_node']) < 1e-6


def test_slurm_train_like_one_node(runs):
    ckpts = runs['ckpts']
    assert _max_diff(ckpts['slurm'], ckpts['one_node']) < 1e-6
    call, = _srun_calls(runs['slurm_env'])
    assert call['opts'] == {'partition': 'part', 'job-name': 'job', 'gres': 'gpu:2',
                            'ntasks': '2', 'ntasks-per-node': '2', 'cpus-per-task': '5',
                            'kill-on-bad-exit': '1'}
    assert call['command'] == [
        sys.executable, '-u', osp.join(REPO, 'tools', 'train.py'), runs['config'],
        '--launcher', 'slurm', '--work-dir', osp.join(str(runs['tmp']), 'slurm')]


def test_slurm_test_matches_single_process(runs):
    """2 tasks, 1 a "node", with SRUN_ARGS passed on to srun."""
    tmp, ckpt, single = runs['tmp'], runs['ckpts']['one_node'], runs['single']
    finish(_start('slurm_test.sh', ['part', 'job', runs['config'], ckpt, '--work-dir',
                                    tmp / 'slurm_test'],
                  GPUS='2', GPUS_PER_NODE='1', SRUN_ARGS='--time=10 --exclusive',
                  MASTER_PORT=str(free_port()), **runs['slurm_env']))
    logs = sorted(p for p in (tmp / 'slurm_test').glob('*/*.json'))
    assert logs, 'no test log'
    slurm = json.loads(logs[-1].read_text())
    for key in METRICS:
        assert slurm[key] == pytest.approx(single[key], abs=1e-4), key  # the log keeps 4 digits
    call = _srun_calls(runs['slurm_env'])[-1]
    assert call['opts']['time'] == '10' and call['opts']['exclusive'] == ''
    assert call['opts']['ntasks-per-node'] == '1'
    assert call['command'][2:] == [osp.join(REPO, 'tools', 'test.py'), runs['config'], ckpt,
                                   '--launcher', 'slurm', '--work-dir', str(tmp / 'slurm_test')]


def test_slurm_scripts_defaults_and_exit_status(tmp_path):
    """8 tasks, 8 a node and 5 cores a task by default; srun's exit status is the script's."""
    slurm_env = _stand_in_srun(tmp_path)
    for script, args in (('slurm_train.sh', ['p', 'j', 'cfg.py', '--amp']),
                         ('slurm_test.sh', ['p', 'j', 'cfg.py', 'ckpt.pth', '--dump', 'x.pkl'])):
        ok = _start(script, args, PYTHON='true', **slurm_env)
        assert ok.wait(timeout=60) == 0, ok.stdout.read()
        assert _start(script, args, PYTHON='false', **slurm_env).wait(timeout=60) != 0
    calls = _srun_calls(slurm_env)
    for call in calls:
        assert call['opts'] == {'partition': 'p', 'job-name': 'j', 'gres': 'gpu:8',
                                'ntasks': '8', 'ntasks-per-node': '8', 'cpus-per-task': '5',
                                'kill-on-bad-exit': '1'}
    assert calls[0]['command'] == ['true', '-u', osp.join(REPO, 'tools', 'train.py'), 'cfg.py',
                                   '--launcher', 'slurm', '--amp']
    assert calls[2]['command'] == ['true', '-u', osp.join(REPO, 'tools', 'test.py'), 'cfg.py',
                                   'ckpt.pth', '--launcher', 'slurm', '--dump', 'x.pkl']


# torch's variables from srun's: the same as MMEngine's own slurm path sets.


def _clear_torch_vars(monkeypatch) -> None:
    """Unset torch's variables so that the test's end restores their absence (``delenv`` of an
    unset variable records nothing, and a leaked ``MASTER_ADDR`` would send later launches to
    a host that does not exist)."""
    for key in LAUNCH_VARS:
        monkeypatch.setenv(key, '')
        monkeypatch.delenv(key)


def _mmengine_slurm_env(monkeypatch) -> dict:
    from mmengine.dist import utils as dist_utils
    monkeypatch.setattr(dist_utils.torch.cuda, 'set_device', lambda *a: None)
    monkeypatch.setattr(dist_utils.torch_dist, 'init_process_group', lambda **k: None)
    dist_utils._init_dist_slurm('gloo')
    return {k: os.environ[k] for k in LAUNCH_VARS}


@pytest.mark.parametrize('preset', [{}, {'MASTER_ADDR': '10.0.0.9'}, {'MASTER_PORT': '1234'}])
@pytest.mark.parametrize('node_list', ['node[01-02]', 'nodeA,nodeB', 'nodeA'])
def test_slurm_env_as_mmengine_sets_it(node_list, preset, monkeypatch, tmp_path):
    _executable(tmp_path / 'scontrol', SCONTROL)
    monkeypatch.setenv('PATH', f'{tmp_path}{os.pathsep}{os.environ["PATH"]}')
    _clear_torch_vars(monkeypatch)
    slurm = dict(SLURM_PROCID='3', SLURM_NTASKS='4', SLURM_LOCALID='1', SLURM_NODELIST=node_list)
    for key, value in {**slurm, **preset}.items():
        monkeypatch.setenv(key, value)
    expected = _mmengine_slurm_env(monkeypatch)
    for key in LAUNCH_VARS:
        os.environ.pop(key)
    for key, value in preset.items():
        monkeypatch.setenv(key, value)
    export_slurm_env()
    assert {k: os.environ[k] for k in LAUNCH_VARS} == expected
    assert expected['RANK'] == '3' and expected['MASTER_ADDR'] == preset.get(
        'MASTER_ADDR', {'node[01-02]': 'node01'}.get(node_list, 'nodeA'))


def test_slurm_env_without_scontrol(monkeypatch, tmp_path):
    monkeypatch.setenv('PATH', str(tmp_path))  # no scontrol
    _clear_torch_vars(monkeypatch)
    monkeypatch.setenv('SLURM_PROCID', '0')
    monkeypatch.setenv('SLURM_NTASKS', '2')
    monkeypatch.setenv('SLURM_NODELIST', 'gpu7,gpu8')
    export_slurm_env(port=4321)  # env_cfg.dist_cfg.port wins, as in MMEngine
    assert os.environ['MASTER_ADDR'] == 'gpu7' and os.environ['MASTER_PORT'] == '4321'
    monkeypatch.delenv('MASTER_ADDR')
    monkeypatch.setenv('SLURM_NODELIST', 'gpu[7-8]')
    with pytest.raises(RuntimeError, match='MASTER_ADDR'):
        export_slurm_env()
    monkeypatch.delenv('SLURM_PROCID')
    with pytest.raises(RuntimeError, match='slurm_train.sh'):
        export_slurm_env()
