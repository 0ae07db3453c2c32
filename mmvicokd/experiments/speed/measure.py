"""Timing and memory helpers for ``tools/benchmark.py`` (docs/design.md section 8).

The machines these run on are shared and noisy, so every comparison is measured in one process,
interleaved (each round calls every case once, in a rotated order), repeated, and summarised by
the median; what is reported are ratios between cases measured side by side.
"""
import statistics
import time
from typing import Callable, Iterable, Mapping, Sequence

import torch


def time_interleaved(cases: Mapping[str, Callable[[], object]], repeats: int,
                     warmup: int = 0) -> dict[str, list[float]]:
    """Wall-clock seconds of each case, ``repeats`` times, measured in interleaved rounds.

    Round ``r`` calls every case once, starting at case ``r mod len(cases)``, so slow drift of
    the machine's load spreads over all cases instead of biasing the last one. The first
    ``warmup`` rounds are run and discarded (caches, lazy initialisation).

    Returns:
        ``{name: [seconds] * repeats}`` in the order of ``cases``.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f'need repeats >= 1 and warmup >= 0, got {repeats}, {warmup}')
    if not cases:
        raise ValueError('time_interleaved needs at least one case')
    names = list(cases)
    times = {name: [] for name in names}
    for r in range(warmup + repeats):
        start = r % len(names)
        for name in names[start:] + names[:start]:
            t0 = time.perf_counter()
            cases[name]()
            elapsed = time.perf_counter() - t0
            if r >= warmup:
                times[name].append(elapsed)
    return times


def ratio_rows(times: Mapping[str, Sequence[float]], reference: str) -> list[dict]:
    """One row per case: ``name``, ``median_s``, ``times_s`` and ``ratio`` = median / reference's.

    A ratio above 1 means the case is that many times slower than ``reference``.
    """
    if reference not in times:
        raise KeyError(f'reference case {reference!r} is not among {list(times)}')
    ref = statistics.median(times[reference])
    return [dict(name=name, median_s=statistics.median(ts), times_s=list(ts),
                 ratio=statistics.median(ts) / ref) for name, ts in times.items()]


def _status_kib(field: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise RuntimeError(f'/proc/self/status has no {field} line')


def peak_rss_of(fn: Callable[[], object]) -> int:
    """Bytes the resident set grew to above its level before ``fn()`` (Linux only).

    Resets the kernel's high-water mark (``/proc/self/clear_refs`` ``5``, Linux >= 4.0), calls
    ``fn`` and reads ``VmHWM`` minus the ``VmRSS`` measured just before. Memory that the
    allocator keeps from earlier work and reuses is not seen: run this in a fresh process started
    with ``MALLOC_MMAP_THRESHOLD_`` set so that large blocks go back to the system when freed.

    Raises:
        RuntimeError: the kernel offers no resettable high-water mark.
    """
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError as err:
        raise RuntimeError(f'cannot reset the peak RSS through /proc/self/clear_refs: {err}') \
            from err
    before = _status_kib('VmRSS')
    fn()
    return (_status_kib('VmHWM') - before) * 1024


def saved_tensor_bytes(fn: Callable[[], object],
                       exclude: Iterable[torch.Tensor] = ()) -> tuple[int, object]:
    """Bytes autograd keeps for backward while ``fn()`` runs, and ``fn``'s result.

    Every tensor saved for backward passes through a ``torch.autograd.graph.saved_tensors_hooks``
    pack hook; the distinct storages they live in are summed once each (views share one), leaving
    out the storages of ``exclude`` (parameters, the input batch). A checkpointed region
    (``torch.utils.checkpoint``, non-reentrant) saves only its inputs through these hooks, which
    is what it keeps. The result is returned so the graph, and with it every saved storage,
    stays alive until the sum is taken (a freed address could otherwise be reused and missed).
    """
    excluded = {t.untyped_storage().data_ptr() for t in exclude}
    storages = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in excluded:
            storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = fn()
    return sum(storages.values()), result
