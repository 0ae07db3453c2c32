"""How many CPU cores keep one GPU fed, from measured rates (pure arithmetic, no measurement).

A GPU whose training step takes B samples in s seconds consumes n = B / s samples a second. A
loader path that costs c CPU seconds per sample (its 0-worker run: the main process does all the
work, every thread counted) needs n x c cores to keep up, each worker being one process on one
core. The hand-over of samples from the workers to the main process is not in c; the worker rows
show it: ``workers_enough`` is the fewest measured workers whose loader delivered at least n.
"""
from typing import Mapping, Optional, Sequence


def cores_needed(step_samples_per_s: float, cpu_s_per_sample: float) -> float:
    """Cores = samples a second the step consumes x CPU seconds a sample costs."""
    if step_samples_per_s < 0 or cpu_s_per_sample < 0:
        raise ValueError(f'rates must be >= 0, got {step_samples_per_s}, {cpu_s_per_sample}')
    return step_samples_per_s * cpu_s_per_sample


def workers_enough(rows: Sequence[Mapping], step_samples_per_s: float) -> Optional[int]:
    """The fewest workers (>= 1) among ``rows`` (``workers``, ``samples_per_s``) whose loader
    kept up with ``step_samples_per_s``; None if none did."""
    fast = [r['workers'] for r in rows
            if r['workers'] >= 1 and r['samples_per_s'] >= step_samples_per_s]
    return min(fast) if fast else None


def derive(rows: Sequence[Mapping], step_samples_per_s: Mapping[str, Optional[float]]) -> list:
    """One entry per loader path and model: the step's samples/s beside the path's.

    Args:
        rows: loader rows (``path``, ``workers``, ``samples_per_s``, ``main_cpu_s_per_sample``),
            one with 0 workers per path.
        step_samples_per_s: ``{model: samples/s}`` of the training step; None where it was not
            measured (then so are the derived figures).

    Returns:
        list: ``dict(path, model, step_samples_per_s, cpu_s_per_sample, cores_per_gpu,
        workers_enough)``.
    """
    out = []
    for path in dict.fromkeys(r['path'] for r in rows):
        mine = [r for r in rows if r['path'] == path]
        serial = [r for r in mine if r['workers'] == 0]
        if not serial:
            raise ValueError(f'loader path {path!r} has no 0-worker row to cost a sample')
        cpu = serial[0]['main_cpu_s_per_sample']
        for model, rate in step_samples_per_s.items():
            out.append(dict(path=path, model=model, step_samples_per_s=rate,
                            cpu_s_per_sample=cpu,
                            cores_per_gpu=None if rate is None else cores_needed(rate, cpu),
                            workers_enough=None if rate is None else workers_enough(mine, rate)))
    return out
