"""Schedules of the distillation terms: the factor on a term's weight at a training step.

A schedule is a dict of at most one warm-up and a stop epoch:

* ``warmup_iters=N``: the factor rises linearly from 0 at iteration 0 to 1 at iteration N
  (``iter / N``), then stays 1;
* ``warmup_epochs=N``: the same over N epochs counted in iterations (N × iterations per
  epoch), as MMEngine's ``convert_to_iter_based`` schedulers do;
* ``stop_epoch=S``: the factor is 0 from epoch S on (0-based: after S epochs of training).

Epochs and iterations are MMEngine's 0-based ``runner.epoch`` / ``runner.iter``.
"""
from typing import Dict, Optional

SCHEDULE_KEYS = ('warmup_epochs', 'warmup_iters', 'stop_epoch')


def check_schedule(name: str, schedule: dict) -> Dict[str, int]:
    """Validate the schedule of term ``name``; returns it as a plain dict.

    Raises:
        ValueError: an unknown or missing key, both warm-ups, a value that is not a positive
            integer, or a stop epoch not after the warm-up.
    """
    if not isinstance(schedule, dict) or not schedule:
        raise ValueError(f'loss_schedules[{name!r}] must be a non-empty dict of '
                         f'{SCHEDULE_KEYS}, got {schedule!r}')
    unknown = sorted(set(schedule) - set(SCHEDULE_KEYS))
    if unknown:
        raise ValueError(f'loss_schedules[{name!r}]: unknown keys {unknown}; a schedule takes '
                         f'{SCHEDULE_KEYS}')
    if 'warmup_epochs' in schedule and 'warmup_iters' in schedule:
        raise ValueError(f'loss_schedules[{name!r}]: give warmup_epochs or warmup_iters, not '
                         'both')
    for key, value in schedule.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f'loss_schedules[{name!r}]: {key} must be a positive integer, '
                             f'got {value!r}')
    if schedule.get('stop_epoch', float('inf')) <= schedule.get('warmup_epochs', 0):
        raise ValueError(f'loss_schedules[{name!r}]: stop_epoch={schedule["stop_epoch"]} '
                         f'ends the term before its warm-up of {schedule["warmup_epochs"]} '
                         'epochs is over')
    return dict(schedule)


def schedule_factor(epoch: int, iteration: int, iters_per_epoch: Optional[float] = None,
                    warmup_epochs: Optional[int] = None, warmup_iters: Optional[int] = None,
                    stop_epoch: Optional[int] = None) -> float:
    """The factor in [0, 1] on a term's configured weight (see the module docstring).

    Args:
        epoch: the current 0-based epoch.
        iteration: the current 0-based iteration, counted over the whole run.
        iters_per_epoch: iterations in an epoch; needed by ``warmup_epochs`` only.
        warmup_epochs, warmup_iters, stop_epoch: the schedule (:func:`check_schedule`).

    Returns:
        0 from ``stop_epoch`` on; ``min(1, iteration / warm-up iterations)`` with a warm-up;
        else 1.
    """
    if stop_epoch is not None and epoch >= stop_epoch:
        return 0.0
    if warmup_epochs is not None:
        if not iters_per_epoch:
            raise ValueError('a warm-up in epochs needs the number of iterations per epoch')
        warmup_iters = warmup_epochs * iters_per_epoch
    if warmup_iters is not None:
        return min(1.0, iteration / warmup_iters)
    return 1.0
