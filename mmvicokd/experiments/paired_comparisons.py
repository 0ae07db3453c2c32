"""Which runs the study compares, and the comparisons as paired bootstrap intervals.

A comparison ``a − b`` pairs the runs of methods a and b under one setting seed by seed (the
seeds both have) and reports the mean over seeds of mAP(a) − mAP(b) with its 95 % paired
bootstrap interval over test recordings (:func:`~mmvicokd.experiments.bootstrap.
paired_difference`; each run's replicates are computed once and serve every comparison it is
in). A difference is claimed only where the interval excludes 0.
"""
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..utils.markdown import markdown_table
from .bootstrap import (check_same_rows, difference_interval, map_replicates,
                        percentile_interval, ratio_replicates, recording_draws)
from .mechanism import mechanism_sums
from .predictions import PREDICTIONS_FILE, RunPredictions, load_predictions
from .run_info import ABLATION_PREFIX, ABLATIONS, VFL_SUFFIX

#: (a, b): a − b is reported wherever both have runs under a setting.
COMPARISONS: Tuple[Tuple[str, str], ...] = (
    *((method, 'Student') for method in ('LogitKD', 'ModalKD', 'DualKD', 'CoKD', 'ViCoKD')),
    ('ViCoKD', 'CoKD'),
    ('Teacher+VC', 'Teacher'),
    *((ABLATION_PREFIX + ablation, 'ViCoKD') for ablation in ABLATIONS),
    *((f'ViCoKD ({change})', 'ViCoKD') for change in ('VC×10', 'VC×100', 'w with grad')),
    *((method + VFL_SUFFIX, method) for method in ('Teacher', 'ViCoKD')),
)
SETTINGS = ('AV_F', 'V_F', 'V_S')
MECHANISM = (('js_covisible', 'JS co-visible'), ('js_other', 'JS not co-visible'),
             ('kl_teacher', 'KL(T‖S) per frame'), ('view_top1', 'per-view top-1 %'),
             ('fd_attn', 'FD attn'), ('fd_av', 'FD av'), ('adapter_cos', 'cos(F̂_A, F_A)'))


@dataclass(frozen=True)
class PredictedRun:
    """A finished run whose test predictions were dumped."""

    method: str
    setting: str
    seed: int
    predictions: str  # path of the DumpResults pickle


Groups = Dict[Tuple[str, str], Dict[int, RunPredictions]]


def load_groups(runs: Sequence[PredictedRun]) -> Groups:
    """``{(method, setting): {seed: predictions}}``; one split for all, checked.

    Raises:
        ValueError: two runs of one method, setting and seed, or runs on different recordings.
    """
    groups: Groups = {}
    ids = None
    for run in runs:
        group = groups.setdefault((run.method, run.setting), {})
        if run.seed in group:
            raise ValueError(f'{run.predictions} and {group[run.seed].source} are both '
                             f'{run.method} {run.setting} seed {run.seed}')
        group[run.seed] = load_predictions(run.predictions)
        if ids is None:
            ids = group[run.seed].ids
        elif group[run.seed].ids != ids:
            raise ValueError(f'{run.predictions} scores other test recordings than the first '
                             'run read; a paired comparison needs one test split')
    return groups


def split_size(groups: Groups) -> int:
    """The number of test recordings every run of ``groups`` scored (:func:`load_groups`
    checked that it is one split)."""
    return len(next(iter(next(iter(groups.values())).values())).ids)


def _paired(groups: Groups, a: tuple, b: tuple) -> Optional[Tuple[list, list]]:
    seeds = sorted(set(groups.get(a, {})) & set(groups.get(b, {})))
    if not seeds:
        return None
    return [groups[a][s] for s in seeds], [groups[b][s] for s in seeds]


def comparison_rows(groups: Groups, num_resamples: int = 1000, seed: int = 0,
                    confidence: float = 0.95) -> List[dict]:
    """Every comparison of :data:`COMPARISONS` that ``groups`` allow, per setting: ``a``,
    ``b``, ``setting``, ``seeds`` and, per level (``seq``, ``frame``), ``diff``, ``low``,
    ``high`` in mAP points."""
    if not groups:
        return []
    draws = recording_draws(split_size(groups), num_resamples, seed)
    replicates = {}  # a run's replicates serve every comparison it is in

    def of(run: RunPredictions, level: str) -> np.ndarray:
        key = (id(run), level)
        if key not in replicates:
            replicates[key] = map_replicates(run.level(level), draws)
        return replicates[key]

    rows = []
    for setting in SETTINGS:
        for a, b in COMPARISONS:
            paired = _paired(groups, (a, setting), (b, setting))
            if paired is None:
                continue
            row = dict(a=a, b=b, setting=setting, seeds=len(paired[0]))
            for level in ('seq', 'frame'):
                for run_a, run_b in zip(*paired):
                    check_same_rows(run_a.level(level), run_b.level(level))
                row[level] = difference_interval([of(r, level) for r in paired[0]],
                                                 [of(r, level) for r in paired[1]], confidence)
            rows.append(row)
    return rows


def _interval(result: dict) -> str:
    return f'{result["diff"]:+.2f} [{result["low"]:+.2f}, {result["high"]:+.2f}]'


def verdict(result: dict) -> str:
    """``'a > b'``, ``'a < b'`` where the interval excludes 0, else ``'not resolved'``."""
    if result['low'] > 0:
        return 'a > b'
    if result['high'] < 0:
        return 'a < b'
    return 'not resolved'


def comparison_table(rows: Sequence[dict]) -> str:
    """Markdown table of :func:`comparison_rows`."""
    return markdown_table(
        ['a − b', 'setting', 'seeds', 'Δ seq mAP [95 % CI]', 'seq', 'Δ frame mAP [95 % CI]',
         'frame'],
        [(f'{r["a"]} − {r["b"]}', r['setting'], r['seeds'], _interval(r['seq']),
          verdict(r['seq']), _interval(r['frame']), verdict(r['frame'])) for r in rows])


def mechanism_rows(groups: Groups, num_resamples: int = 1000, seed: int = 0,
                   tau: float = 4.0, confidence: float = 0.95) -> List[dict]:
    """Per method and setting, each statistic of :mod:`.mechanism` as the mean over seeds with
    its bootstrap interval over test recordings (the seeds on the same draws). KL to the
    teacher uses the Teacher run of the same seed (students only)."""
    if not groups:
        return []
    draws = recording_draws(split_size(groups), num_resamples, seed)
    teachers = groups.get(('Teacher', 'AV_F'), {})
    rows = []
    for (method, setting), by_seed in groups.items():
        per_seed = [mechanism_sums(run, teachers.get(s) if setting != 'AV_F' else None, tau)
                    for s, run in sorted(by_seed.items())]
        row = dict(method=method, setting=setting, seeds=len(per_seed))
        for key, _ in MECHANISM:
            if all(key in sums for sums in per_seed):
                replicates = np.nanmean([ratio_replicates(*sums[key], draws)
                                         for sums in per_seed], axis=0)
                row[key] = (float(replicates[0]), *percentile_interval(replicates[1:],
                                                                       confidence))
        rows.append(row)
    order = {s: i for i, s in enumerate(SETTINGS)}
    return sorted(rows, key=lambda r: order.get(r['setting'], len(order)))


def mechanism_table(rows: Sequence[dict]) -> str:
    """Markdown table of :func:`mechanism_rows` (value [95 % CI]; '–' where not defined)."""
    def cell(row, key):
        if key not in row:
            return '–'
        value, low, high = row[key]
        digits = 1 if key == 'view_top1' else 2 if key.startswith('fd_') else 4
        return f'{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]'

    return markdown_table(['method', 'setting', 'seeds', *(title for _, title in MECHANISM)],
                          [(r['method'], r['setting'], r['seeds'],
                            *(cell(r, key) for key, _ in MECHANISM)) for r in rows])


def paired_markdown(records) -> Optional[str]:
    """Markdown of the paired comparisons of the runs (``RunRecord`` of
    :func:`~mmvicokd.experiments.run_logs.load_run`) that kept their test predictions in
    ``<work_dir>/test_predictions.pkl``, one table per data set and backbone; None if no run
    did."""
    runs_by_data = {}
    for record in records:
        path = osp.join(record.work_dir, PREDICTIONS_FILE)
        if osp.isfile(path):
            info = record.info
            runs_by_data.setdefault((info.data, info.backbone), []).append(
                PredictedRun(info.method, info.setting, info.seed, path))
    if not runs_by_data:
        return None
    parts = ['# Paired differences (mAP points, 95 % paired bootstrap interval over test '
             'recordings, pooled over seeds)\n']
    for (data, backbone), runs in runs_by_data.items():
        rows = comparison_rows(load_groups(runs))
        parts += [f'## {backbone} on {data or "(no data root)"}\n',
                  comparison_table(rows) if rows else 'No pair of compared methods.', '']
    return '\n'.join(parts) + '\n'
