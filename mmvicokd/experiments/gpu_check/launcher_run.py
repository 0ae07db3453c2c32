"""Section 5: one process through the distributed launcher, ``bash tools/dist_train.sh CONFIG 1``.

The demo teacher (``configs/demo/teacher_multiasl_synthetic_av_f.py``) trains on the tiny
synthetic set (generated into the check's workspace, with its 64-px frame cache) for
``dist_epochs`` epochs, without validation and from random encoders (the demo's pre-trained
encoder files are made by ``make demo`` and may be absent). On a GPU the config's backend, NCCL,
runs; on the CPU ``tools/train.py`` starts gloo instead (``mmvicokd/utils/cpu_dist.py``) and the
JSON says NCCL was skipped. What ran is read back from the run's work dir: the dumped config's
backend, the world size ``tools/train.py`` logs, the logged training steps and the checkpoint.
"""
import glob
import json
import math
import os
import os.path as osp
import re
import socket
import subprocess
import sys
import time

import torch
from mmengine.config import Config

from ...datasets.caches.frame_cache import build_frame_cache
from ...datasets.synthetic import generate_synthetic_dataset
from ...utils.package_configs import package_config

CONFIG = 'demo/teacher_multiasl_synthetic_av_f.py'
# Variables a launcher sets for its processes; the run starts without inherited ones.
LAUNCH_VARS = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT')
TOTAL_BATCH = re.compile(r'total batch (\d+) = (\d+) process')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def tiny_set(folder: str) -> str:
    """Generate the tiny synthetic set and the frame cache the demo configs read
    (``<set>/cache_64``, beside the data root); returns the data root."""
    data_root = generate_synthetic_dataset(folder, preset='tiny', seed=0)['data_root']
    build_frame_cache(data_root, ['train.json'], osp.join(folder, 'cache_64'), resize=64)
    return data_root


def dist_command(dist_train: str, data_root: str, work_dir: str, epochs: int) -> list:
    """``bash tools/dist_train.sh CONFIG 1`` with the options of the module docstring."""
    return ['bash', dist_train, package_config(CONFIG), '1', '--data-root', data_root,
            '--work-dir', work_dir, '--cfg-options', f'train_cfg.max_epochs={epochs}',
            'model.visual_encoder.checkpoint=None', 'model.audio_encoder.checkpoint=None',
            'val_cfg=None', 'val_dataloader=None', 'val_evaluator=None']


def read_run(work_dir: str, epochs: int) -> dict:
    """What the run's work dir says: ``backend``, ``world_size``, ``train_steps``,
    ``last_loss`` (None when no step was logged) and ``checkpoint`` (whether the last epoch's
    exists)."""
    dumped = osp.join(work_dir, osp.basename(CONFIG))
    backend = Config.fromfile(dumped).env_cfg.dist_cfg.backend
    found = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', '*.log'))):
        with open(path) as f:
            found += TOTAL_BATCH.findall(f.read())
    losses = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            losses += [json.loads(line)['loss'] for line in f if '"loss"' in line]
    return dict(backend=backend, world_size=int(found[-1][1]) if found else None,
                train_steps=len(losses), last_loss=losses[-1] if losses else None,
                checkpoint=osp.isfile(osp.join(work_dir, f'epoch_{epochs}.pth')))


def bench_launcher(workspace: str, dist_train: str, epochs: int,
                   device: torch.device) -> dict:
    """Run the launcher (module docstring); the JSON's ``launcher``.

    Raises:
        RuntimeError: the run exited with an error (the message ends with its output).
    """
    folder = osp.join(workspace, 'tiny_synthetic')
    data_root = tiny_set(folder)
    work_dir = osp.join(workspace, 'dist_run')
    command = dist_command(dist_train, data_root, work_dir, epochs)
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARS}
    env.update(PYTHON=sys.executable, PORT=str(free_port()))
    nccl = device.type == 'cuda'
    if not nccl:  # the CPU even where a GPU is present
        env['CUDA_VISIBLE_DEVICES'] = ''
    t0 = time.perf_counter()
    out = subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f'{" ".join(command)} exited with {out.returncode}:\n'
                           f'{(out.stdout + out.stderr)[-4000:]}')
    run = read_run(work_dir, epochs)
    if run['backend'] != ('nccl' if nccl else 'gloo'):
        raise RuntimeError(f'the launcher run used backend {run["backend"]!r} on {device.type}')
    return dict(command=' '.join(command), processes=1, epochs=epochs, run_s=wall,
                nccl=nccl, nccl_skipped=None if nccl else
                'no CUDA (--device cpu): tools/train.py ran the gloo backend instead',
                loss_finite=run['last_loss'] is not None and math.isfinite(run['last_loss']),
                **run)
