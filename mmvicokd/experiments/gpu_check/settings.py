"""The sizes of one GPU check: the paper's (the default) and ``--tiny`` (tests, seconds on a CPU).

Every section reads its sizes from one :class:`CheckSizes`, so ``--tiny`` changes sizes only,
never the code path: the same configs, weight-file loading, pipelines, loaders and launcher run.
"""
import os
from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class CheckSizes:
    """What each section runs.

    Attributes:
        batch, views, frames: B x V x T of the training batch (the paper's 12 x 5 x 70).
        depth: Transformer blocks of both encoders (None: the configs' 12).
        warmup_steps, timed_steps: training steps before timing and timed (median reported).
        agreement_steps, agreement_batches: steps of the bf16 vs fp32 comparison, cycling over
            that many fixed batches.
        recordings, duration_s, fps, width, height: the real-format set of the data section
            (H.264 + AAC views, ``views`` of them).
        clip_len: frames the training pipeline samples (T).
        loader_batch: samples per loader batch (the config's ``batch_size``).
        worker_counts: DataLoader ``num_workers`` measured (0 = the main process decodes);
            all cores is added by :func:`worker_counts`.
        inference_batches: batch sizes of the student inference timing.
        inference_warmup, inference_repeats: calls before timing and timed (median reported).
        dist_epochs: epochs of the single-process launcher run on the tiny synthetic set.
    """

    batch: int
    views: int
    frames: int
    depth: Optional[int]
    warmup_steps: int
    timed_steps: int
    agreement_steps: int
    agreement_batches: int
    recordings: int
    duration_s: float
    fps: float
    width: int
    height: int
    clip_len: int
    loader_batch: int
    worker_counts: Tuple[int, ...]
    inference_batches: Tuple[int, ...]
    inference_warmup: int
    inference_repeats: int
    dist_epochs: int


PAPER = CheckSizes(batch=12, views=5, frames=70, depth=None, warmup_steps=2, timed_steps=5,
                   agreement_steps=10, agreement_batches=3, recordings=4, duration_s=30.0,
                   fps=15.0, width=320, height=240, clip_len=70, loader_batch=12,
                   worker_counts=(0, 4, 8), inference_batches=(1, 12), inference_warmup=2,
                   inference_repeats=5, dist_epochs=1)

# One encoder block (the real widths and 224 px), 1 clip of 2 frames a batch, 2-s 64x48
# recordings, loaders with 0 and all-core workers, one timed call each: the code paths of the
# paper's sizes in seconds on a CPU.
TINY = CheckSizes(batch=1, views=5, frames=2, depth=1, warmup_steps=1, timed_steps=1,
                  agreement_steps=2, agreement_batches=2, recordings=2, duration_s=2.0,
                  fps=10.0, width=64, height=48, clip_len=4, loader_batch=1,
                  worker_counts=(0,), inference_batches=(1, 2), inference_warmup=1,
                  inference_repeats=1, dist_epochs=1)


def check_sizes(tiny: bool) -> CheckSizes:
    return TINY if tiny else PAPER


def worker_counts(sizes: CheckSizes) -> list:
    """The measured worker counts and this machine's core count, sorted, each once."""
    return sorted(set(sizes.worker_counts) | {os.cpu_count() or 1})
