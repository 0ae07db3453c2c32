"""Distributed runs on machines without CUDA (gloo), with MMEngine's Runner.

MMEngine 0.10's ``init_dist('pytorch')`` calls ``torch.cuda.set_device`` and its DDP wrapper passes
``device_ids=[LOCAL_RANK]``; both fail on CPU. When CUDA is absent and a launcher is requested we
initialise the process group with gloo ourselves (the Runner then skips its own ``init_dist``) and
configure the DDP wrapper without device ids. On GPU machines nothing changes.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def needs_cpu_dist(launcher: str) -> bool:
    return launcher == 'pytorch' and not torch.cuda.is_available()


def setup_cpu_dist(cfg: Config) -> Config:
    """Start a gloo process group from torchrun's environment and adapt ``cfg`` to CPU DDP."""
    if not torch_dist.is_initialized():
        missing = [k for k in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')
                   if k not in os.environ]
        if missing:
            raise RuntimeError(
                f'--launcher pytorch needs the torchrun environment; {missing} not set. '
                'Start it with tools/dist_train.sh or tools/dist_test.sh.')
        torch_dist.init_process_group(backend='gloo')
    cfg.env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
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
