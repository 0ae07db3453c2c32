"""Timing calls on a device (CUDA work waited for), its peak memory, and out-of-memory records.

A CUDA call returns before the GPU finishes, so every timed call ends with
``torch.cuda.synchronize``. ``torch.cuda.OutOfMemoryError`` is the one error caught, and only by
:func:`run_calls`, which records where it happened; every other error propagates.
"""
import gc
import statistics
import time
from typing import Callable, Optional

import torch

GIB = 2 ** 30


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def reset_peak_memory(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.reset_peak_memory_stats(device)


def max_allocated_gib(device: torch.device) -> Optional[float]:
    """``torch.cuda.max_memory_allocated`` in GiB since the last reset; None on the CPU."""
    if device.type != 'cuda':
        return None
    return torch.cuda.max_memory_allocated(device) / GIB


def release(device: torch.device) -> None:
    """Between measurements on a GPU: collect unreferenced tensors held in reference cycles and
    hand the cached blocks back to the driver (the CPU frees tensors by reference count)."""
    if device.type == 'cuda':
        gc.collect()
        torch.cuda.empty_cache()


def run_calls(fn: Callable[[], object], device: torch.device, warmup: int,
              repeats: int) -> dict:
    """Call ``fn`` ``warmup`` times untimed, then ``repeats`` times timed, on ``device``.

    The peak memory is reset first, so it covers every call (the optimizer's state is made on the
    first step). An out-of-memory error ends the calls and is recorded.

    Returns:
        dict: ``seconds`` (one per timed call that finished), ``median_s`` (None unless all
        finished), ``max_memory_allocated_gib`` (None on the CPU) and ``oom``: None, or
        ``dict(call, message, max_memory_allocated_gib)`` with the call that ran out
        (``'warm-up 1'``, ``'timed 3'``, ...) and the first line of torch's message.
    """
    reset_peak_memory(device)
    seconds, oom, call = [], None, None
    try:
        for i in range(warmup + repeats):
            call = f'warm-up {i + 1}' if i < warmup else f'timed {i - warmup + 1}'
            t0 = time.perf_counter()
            fn()
            synchronize(device)
            if i >= warmup:
                seconds.append(time.perf_counter() - t0)
    except torch.cuda.OutOfMemoryError as err:
        oom = dict(call=call, message=str(err).strip().splitlines()[0],
                   max_memory_allocated_gib=max_allocated_gib(device))
    peak = max_allocated_gib(device)
    release(device)
    return dict(seconds=seconds,
                median_s=statistics.median(seconds) if oom is None else None,
                max_memory_allocated_gib=peak, oom=oom)
