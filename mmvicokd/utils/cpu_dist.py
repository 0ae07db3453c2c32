"""Distributed runs on machines without CUDA (gloo), with MMEngine's Runner.

MMEngine 0.10's ``init_dist`` calls ``torch.cuda.set_device`` for the ``pytorch`` and ``slurm``
launchers (and its slurm path asks ``scontrol`` for the master host), and its DDP wrapper passes
``device_ids=[LOCAL_RANK]``; all of that fails on CPU. When CUDA is absent and one of these
launchers is requested we initialise the process group with gloo ourselves (the Runner then
skips its own ``init_dist``) and configure the DDP wrapper without device ids:

- ``pytorch``: torchrun's ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT``;
- ``slurm``: the variables MMEngine's slurm path derives, from srun's environment:
  ``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` from ``SLURM_PROCID``/``SLURM_NTASKS``/``SLURM_LOCALID``,
  ``MASTER_PORT`` from ``env_cfg.dist_cfg.port``, else the environment, else 29500, and
  ``MASTER_ADDR`` from the environment, else the first host of ``SLURM_NODELIST``.

On GPU machines nothing changes.
"""
import os
import shutil
import subprocess

import torch
import torch.distributed as torch_dist
from mmengine.config import Config

CPU_LAUNCHERS = ('pytorch', 'slurm')


def needs_cpu_dist(launcher: str) -> bool:
    return launcher in CPU_LAUNCHERS and not torch.cuda.is_available()


def first_slurm_host(node_list: str) -> str:
    """The first host of ``SLURM_NODELIST``: ``scontrol show hostname`` where Slurm's tools are
    installed, else the list itself, which must then name plain hosts (``a`` or ``a,b``)."""
    if shutil.which('scontrol'):
        hosts = subprocess.run(['scontrol', 'show', 'hostname', node_list], check=True,
                               capture_output=True, text=True).stdout.split()
        if hosts:
            return hosts[0]
    if '[' in node_list:
        raise RuntimeError(f'cannot expand SLURM_NODELIST={node_list!r} without scontrol; '
                           'set MASTER_ADDR to the first node\'s address')
    return node_list.split(',')[0]


def export_slurm_env(port=None) -> None:
    """Set torch's ``env://`` variables from srun's, as MMEngine's ``_init_dist_slurm`` does."""
    env = os.environ
    missing = [k for k in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST') if k not in env]
    if missing:
        raise RuntimeError(
            f'--launcher slurm needs srun\'s environment; {missing} not set. '
            'Start it with tools/slurm_train.sh or tools/slurm_test.sh.')
    env['RANK'] = env['SLURM_PROCID']
    env['WORLD_SIZE'] = env['SLURM_NTASKS']
    env['LOCAL_RANK'] = env.get('SLURM_LOCALID', '0')
    if port is not None:
        env['MASTER_PORT'] = str(port)
    env.setdefault('MASTER_PORT', '29500')
    if 'MASTER_ADDR' not in env:
        env['MASTER_ADDR'] = first_slurm_host(env['SLURM_NODELIST'])


def setup_cpu_dist(cfg: Config) -> Config:
    """Start a gloo process group from the launcher's environment (``cfg.launcher``: torchrun's
    or srun's) and adapt ``cfg`` to CPU DDP."""
    launcher = cfg.get('launcher', 'pytorch')
    cfg.env_cfg.setdefault('dist_cfg', {})
    dist_cfg = cfg.env_cfg.dist_cfg  # the stored one (setdefault returns the {} it converted)
    if not torch_dist.is_initialized():
        if launcher == 'slurm':
            export_slurm_env(dist_cfg.get('port'))
        missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
                   if k not in os.environ]
        if missing:
            raise RuntimeError(
                f'--launcher pytorch needs the torchrun environment; {missing} not set. '
                'Start it with tools/dist_train.sh or tools/dist_test.sh.')
        torch_dist.init_process_group(backend='gloo')
    dist_cfg['backend'] = 'gloo'
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    return cfg


def shutdown_dist() -> None:
    """Destroy the default process group, if any, before the interpreter exits.

    A gloo group left to interpreter shutdown can abort the process ("terminate called without
    an active exception") after the work is done; the tools call this when the Runner returns.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
