"""Section 4: encoder forward time and peak RSS per chunk size, frozen and trainable.

Each configuration runs in a fresh process (``python -m
mmvicokd.experiments.speed.encoder SPEC``) so that the memory of one run does not hide the
next's.
"""
import json
import os
import statistics
import subprocess
import sys

import torch
from mmaction.registry import MODELS

from .measure import peak_rss_of, time_interleaved
from .recording import TRAIN_BATCH_FRAMES

# Large blocks go back to the system when freed, so each encoder run's peak RSS is its own.
CHILD_ENV = dict(MALLOC_MMAP_THRESHOLD_='131072')


def _chunk_value(chunk, num_frames: int) -> int:
    return num_frames if chunk == 'all' else int(chunk)


def encoder_child(spec: dict) -> dict:
    """Run in a fresh process: peak RSS growth and time of each (mode, chunk size) forward."""
    torch.set_num_threads(spec['threads'])
    views, frames, size = spec['views'], spec['frames'], spec['img_size']
    num_frames = views * frames
    x = torch.randn(1, views, frames, 3, size, size, generator=torch.Generator().manual_seed(0))

    def forward(encoder, chunk_size):
        def run():
            encoder.chunk_size = chunk_size  # same weights for every chunk size
            return encoder(x)
        return run

    forwards, memory, calls = {}, {}, {}
    for mode in ('frozen', 'trainable'):
        encoder = MODELS.build(dict(type='TimmViTEncoder', arch=spec['arch'], img_size=size,
                                    frozen=mode == 'frozen'))
        encoder.train()  # a frozen encoder stays in eval mode
        for chunk in spec['chunk_sizes']:
            chunk_size = _chunk_value(chunk, num_frames)
            forwards[f'{mode}|{chunk}'] = forward(encoder, chunk_size)
            calls[f'{mode}|{chunk}'] = -(-num_frames // chunk_size)
    next(iter(forwards.values()))()  # one-time set-up of torch's kernels and thread pool
    for key, forward in forwards.items():  # each memory run also warms its case up
        memory[key] = peak_rss_of(forward)
    times = time_interleaved(forwards, spec['repeats'])
    rows = []
    for key, ts in times.items():
        mode, chunk = key.split('|')
        rows.append(dict(mode=mode, chunk_size=chunk, calls=calls[key],
                         median_s=statistics.median(ts), times_s=ts,
                         peak_rss_growth_mib=memory[key] / 2 ** 20))
    return dict(arch=spec['arch'], input_shape=list(x.shape), out_dim=encoder.out_dim,
                torch_threads=torch.get_num_threads(), rows=rows)


def bench_encoder(arch: str, img_size: int, views: int, frames: int, chunk_sizes: list,
                  repeats: int, threads: int) -> dict:
    """``encoder_child`` in a subprocess (so the memory of one run does not hide the next's),
    with ``threads`` torch intra-op threads.
    """
    spec = dict(arch=arch, img_size=img_size, views=views, frames=frames,
                chunk_sizes=chunk_sizes, repeats=repeats, threads=threads)
    proc = subprocess.run([sys.executable, '-m', 'mmvicokd.experiments.speed.encoder',
                           json.dumps(spec)], capture_output=True, text=True,
                          env={**os.environ, **CHILD_ENV})
    if proc.returncode != 0:
        raise RuntimeError(f'encoder benchmark subprocess failed:\n{proc.stderr[-4000:]}')
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    num_frames = views * frames
    per_frame = max(r['peak_rss_growth_mib'] for r in result['rows']
                    if r['mode'] == 'trainable') / num_frames
    result['trainable_mib_per_frame'] = per_frame
    result['trainable_gib_per_batch'] = per_frame * TRAIN_BATCH_FRAMES / 1024
    result['memory_method'] = ('peak RSS growth during the forward (Linux VmHWM after a reset '
                               'via /proc/self/clear_refs) in a fresh process with '
                               f'{CHILD_ENV}; input and weights excluded')
    return result


if __name__ == '__main__':
    import mmvicokd  # noqa: F401  (registers the encoders)
    print(json.dumps(encoder_child(json.loads(sys.argv[1]))))
