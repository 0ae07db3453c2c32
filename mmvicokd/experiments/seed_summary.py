"""Runs that differ only by their seed, summarised as mean ± sample std (paper Table 2)."""
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence

import numpy as np

from .run_info import RunInfo
from .run_logs import METRICS, RunRecord


@dataclass
class RunSummary:
    """All runs of one (data, backbone, method, setting).

    Attributes:
        info: the shared description (``seed`` None).
        n: number of runs (seeds).
        mean: per metric, the mean over the runs (percent).
        std: per metric, the sample standard deviation (ddof=1); None when ``n == 1``.
        seeds: the runs' seeds.
        work_dirs: the runs' work dirs.
        curve: ``{epoch: {metric: (mean, std or None, n)}}`` over the runs that logged the epoch.
    """

    info: RunInfo
    n: int
    mean: Dict[str, float]
    std: Dict[str, Optional[float]]
    seeds: List[Optional[int]]
    work_dirs: List[str]
    curve: Dict[int, Dict[str, tuple]] = field(default_factory=dict)


def mean_std(values: Sequence[float]) -> tuple:
    """``(mean, sample std with ddof=1 or None for a single value)``."""
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), (float(array.std(ddof=1)) if len(array) > 1 else None)


def _curve(records: Sequence[RunRecord]) -> Dict[int, Dict[str, tuple]]:
    epochs = sorted({epoch for r in records for epoch in r.curve})
    curve = {}
    for epoch in epochs:
        points = [r.curve[epoch] for r in records if epoch in r.curve]
        curve[epoch] = {k: (*mean_std([p[k] for p in points]), len(points)) for k in METRICS}
    return curve


def summarise_runs(records: Sequence[RunRecord]) -> List[RunSummary]:
    """Group ``records`` by :meth:`RunInfo.group_key` (first-seen order) and average each group.

    Raises:
        ValueError: two runs of one group have the same seed (the same run twice, whose
            mean and std would mislead); the message names both work dirs.
    """
    groups: Dict[tuple, List[RunRecord]] = {}
    for record in records:
        groups.setdefault(record.info.group_key(), []).append(record)
    summaries = []
    for members in groups.values():
        seen = {}
        for record in members:
            seed = record.info.seed
            if seed in seen:
                raise ValueError(
                    f'runs {seen[seed]!r} and {record.work_dir!r} are both '
                    f'{record.info.method} {record.info.setting} {record.info.backbone} on '
                    f'{record.info.data or "(no data root)"} with seed {seed}: pass only one '
                    'of them (runs of one config are averaged over different seeds)')
            seen[seed] = record.work_dir
        stats = {k: mean_std([r.metrics[k] for r in members]) for k in METRICS}
        summaries.append(RunSummary(
            info=replace(members[0].info, seed=None), n=len(members),
            mean={k: v[0] for k, v in stats.items()}, std={k: v[1] for k, v in stats.items()},
            seeds=[r.info.seed for r in members], work_dirs=[r.work_dir for r in members],
            curve=_curve(members)))
    return summaries
