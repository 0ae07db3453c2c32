"""Train the demo's runs in several processes at once on one machine (``tools/demo.py --jobs``).

The demo's models are small, so their operators split poorly over threads: two single-threaded
processes finish 1.68x the steps of one process with two threads (docs/synthetic_demo.md,
"The demo's choices, measured"). ``--jobs N`` starts N - 1 helper processes
running the same run list; they share it through the per-run locks of :mod:`.run_lock`
(a distiller waits for its teacher), and the main process, which trains too, collects every
result. Each process gets ``cpu_count // N`` threads (at least one).
"""
import os
import subprocess
import sys
from typing import List, Optional, Sequence


def threads_per_job(jobs: int, cpus: Optional[int] = None) -> int:
    """Torch/OpenMP threads for each of ``jobs`` processes on ``cpus`` cores (default: all)."""
    if jobs < 1:
        raise ValueError(f'--jobs must be at least 1, got {jobs}')
    cpus = cpus or os.cpu_count() or 1
    return max(1, cpus // jobs)


def limit_threads(threads: int) -> None:
    """Make this process use ``threads`` threads (torch intra-op and OpenMP/MKL children)."""
    import torch
    for var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
        os.environ[var] = str(threads)
    torch.set_num_threads(threads)


def start_helpers(script: str, argv: Sequence[str], jobs: int) -> List[subprocess.Popen]:
    """Start ``jobs - 1`` helper processes ``python <script> <argv> --helper``.

    A helper trains runs and exits without preparing data or writing reports; its log goes to
    this process's stdout (each run's lines name the run).
    """
    env = dict(os.environ)
    threads = str(threads_per_job(jobs))
    env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    helpers = []
    for k in range(1, jobs):
        helpers.append(subprocess.Popen(
            [sys.executable, script, *argv, '--helper', str(k)], env=env))
    return helpers


def wait_helpers(helpers: Sequence[subprocess.Popen]) -> None:
    """Wait for every helper; a helper that failed is an error (its traceback is above)."""
    failed = []
    for k, proc in enumerate(helpers, 1):
        code = proc.wait()
        if code != 0:
            failed.append(f'job {k} (pid {proc.pid}) exited with status {code}')
    if failed:
        raise RuntimeError('[demo] helper process(es) failed: ' + '; '.join(failed) +
                           '; rerun the same command to resume the unfinished runs')


def stop_helpers(helpers: Sequence[subprocess.Popen]) -> None:
    """Terminate helpers still running (the main process failed or was interrupted); their
    runs resume from their last checkpoint on the next call."""
    for proc in helpers:
        if proc.poll() is None:
            proc.terminate()
    for proc in helpers:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
