"""Samples per second of the Home-1 training loader, decoding or reading the frame cache.

The loader is the config's ``train_dataloader`` (``configs/_base_/datasets/multisensor_home1.py``:
its pipeline, ``pseudo_collate``, batch size) built by MMEngine's ``Runner.build_dataloader``,
with ``--frame-cache``'s swap of ``MultiViewDecordInit`` for ``LoadMultiViewCache`` on the cache
path, an infinite shuffled sampler (a few recordings serve any number of batches), no persistent
workers and page-locked batches on a GPU host only.

Timing: with W workers every worker starts at once and finishes its first batch at about the
same time, so the first max(W, 1) batches (one round, with the workers' start-up) are untimed and
the next 2 x max(W, 1) batches (two rounds) timed. The main process's CPU seconds per sample over
the timed batches are recorded too: with 0 workers that is the whole cost of a sample (every
thread of the process counted), the cores a loader needs per sample per second.
"""
import copy
import time

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from ...utils.frame_cache_switch import use_frame_cache
from ...utils.package_configs import package_config
from ..speed.pipeline import PIPELINE_CONFIG

PATHS = ('decode', 'jpeg_cache')


def loader_config(data: dict, path: str, clip_len: int, batch: int, workers: int,
                  pin_memory: bool, cache_dir: str = None) -> dict:
    """The Home-1 ``train_dataloader`` on ``data`` (:mod:`.real_format_set`) for ``path``."""
    if path not in PATHS:
        raise ValueError(f'path must be one of {PATHS}, got {path!r}')
    cfg = Config.fromfile(package_config(PIPELINE_CONFIG))
    if path == 'jpeg_cache':
        use_frame_cache(cfg, cache_dir)
    loader = copy.deepcopy(cfg.train_dataloader.to_dict())
    for step in loader['dataset']['pipeline']:
        if step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = clip_len
    loader['dataset'].update(data_root=data['data_root'], ann_file=data['ann_file'],
                             human_mask_file=data['mask_file'])
    loader.update(batch_size=batch, num_workers=workers, persistent_workers=False,
                  pin_memory=pin_memory, sampler=dict(type='InfiniteSampler', shuffle=True))
    return loader


def loader_rate(loader_cfg: dict) -> dict:
    """Time the loader (module docstring): ``dict(workers, batches, samples, seconds,
    samples_per_s, main_cpu_s_per_sample)``."""
    workers = loader_cfg['num_workers']
    rounds = max(workers, 1)
    with DefaultScope.overwrite_default_scope('mmaction'):
        loader = Runner.build_dataloader(loader_cfg, seed=0)
        batches = iter(loader)
        for _ in range(rounds):
            next(batches)
        samples = 0
        cpu0, t0 = time.process_time(), time.perf_counter()
        for _ in range(2 * rounds):
            samples += len(next(batches)['data_samples'])
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        del batches  # stops the workers
    return dict(workers=workers, batches=2 * rounds, samples=samples, seconds=seconds,
                samples_per_s=samples / seconds, main_cpu_s_per_sample=cpu / samples)


def bench_loaders(data: dict, cache_dir: str, clip_len: int, batch: int, worker_counts: list,
                  pin_memory: bool) -> list:
    """One row per path and worker count: :func:`loader_rate` plus ``path``.

    Runs with one torch thread in this process, as in a loader worker (restored after)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        rows = []
        for path in PATHS:
            for workers in worker_counts:
                cfg = loader_config(data, path, clip_len, batch, workers, pin_memory, cache_dir)
                rows.append(dict(path=path, **loader_rate(cfg)))
        return rows
    finally:
        torch.set_num_threads(threads)
