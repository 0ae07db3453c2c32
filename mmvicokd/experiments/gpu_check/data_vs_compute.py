"""Section 3: data vs compute. Samples/s of the Home-1 training loader decoding the videos and
reading the JPEG frame cache, with 0, 4, 8 and all-core workers, beside the training step's
samples/s (section 1's bf16 steps of this run) and the cores per GPU each path needs from them.

The set (:mod:`.real_format_set`) is written to a temporary folder under the check's workspace;
the loaders (:mod:`.loader_throughput`); the arithmetic (:mod:`.cores_per_gpu`).
"""
import os
import os.path as osp
from typing import Mapping, Optional

import torch

from .cores_per_gpu import derive
from .loader_throughput import bench_loaders
from .real_format_set import AUDIO_RATE, build_jpeg_cache, write_real_format_set
from .settings import CheckSizes, worker_counts


def bench_data_vs_compute(workspace: str, sizes: CheckSizes, device: torch.device,
                          step_samples_per_s: Optional[Mapping[str, Optional[float]]]) -> dict:
    """The JSON's ``data_vs_compute``.

    Args:
        step_samples_per_s: ``{model: samples/s}`` of section 1's bf16 steps, or None when
            section 1 did not run in this check (the derived figures are then None).
    """
    folder = osp.join(workspace, 'real_format_set')
    os.makedirs(folder, exist_ok=True)
    data = write_real_format_set(folder, sizes)
    cache = build_jpeg_cache(data, osp.join(workspace, 'jpeg_cache'))
    rows = bench_loaders(data, cache['cache_dir'], sizes.clip_len, sizes.loader_batch,
                         worker_counts(sizes), pin_memory=device.type == 'cuda')
    steps = step_samples_per_s or {}
    return dict(recordings=sizes.recordings, views=sizes.views, duration_s=sizes.duration_s,
                fps=sizes.fps, width=sizes.width, height=sizes.height, audio_rate=AUDIO_RATE,
                clip_len=sizes.clip_len, loader_batch=sizes.loader_batch,
                cpu_count=os.cpu_count(), write_s=data['write_s'],
                cache={k: v for k, v in cache.items() if k != 'cache_dir'}, rows=rows,
                step_samples_per_s=step_samples_per_s,
                derived=derive(rows, steps) if steps else [])
