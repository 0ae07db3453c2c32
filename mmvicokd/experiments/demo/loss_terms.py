"""What the demo prints besides the mAP tables: per-class AP where only sound tells classes
apart, and whether every loss term acts (its first and last logged values).

Both read what the runs left on disk: ``test_metrics.json`` (``seq_AP/<class>`` from
``MultiLabelMAP(classwise=True)``) and MMEngine's ``vis_data/scalars.json`` training entries.
"""
from typing import Dict, List, Sequence, Tuple

import os.path as osp

from ...datasets.synthetic.classes import sound_only_pairs
from ...utils.markdown import markdown_table
from ..run_logs import read_json_lines, timestamp_dirs

#: Logged keys that are loss terms or say whether view consistency acts.
_TERM_PREFIXES = ('loss', 'distill.', 'vc_')


def training_entries(work_dir: str) -> List[dict]:
    """Training log entries (those with a ``loss``) of every Runner start of ``work_dir``."""
    entries = []
    for folder in timestamp_dirs(work_dir):
        path = osp.join(folder, 'vis_data', 'scalars.json')
        if osp.isfile(path):
            entries += [r for r in read_json_lines(path) if 'loss' in r]
    return entries


def loss_trajectory(work_dir: str) -> Dict[str, Tuple[float, float]]:
    """``{term: (first, last)}`` logged value of every loss term and VC statistic.

    Each logged value is MMEngine's moving average over its ``window_size`` iterations.
    """
    entries = training_entries(work_dir)
    if not entries:
        raise ValueError(f'work dir {work_dir!r}: no training entries in '
                         '<timestamp>/vis_data/scalars.json')
    keys = [k for k in entries[-1] if k.startswith(_TERM_PREFIXES)]
    out = {}
    for key in keys:
        values = [float(e[key]) for e in entries if key in e]
        out[key] = (values[0], values[-1])
    return out


def sound_only_classes() -> List[str]:
    """The classes that look like another one and differ only by sound, pair by pair."""
    return [name for pair in sound_only_pairs() for name in pair]


def per_class_table(results: Sequence[dict], classes: Sequence[str]) -> str:
    """Markdown: sequence-level AP (%) of ``classes`` for every run of ``results``.

    Args:
        results: dicts with ``method``, ``setting`` and ``metrics`` holding ``seq_AP/<class>``.
        classes: class names, one column each.
    """
    rows = []
    for res in results:
        values = [res['metrics'].get(f'seq_AP/{name}') for name in classes]
        known = [v for v in values if v is not None]
        cells = ['—' if v is None else f'{v:.1f}' for v in values]
        mean = f'{sum(known) / len(known):.1f}' if known else '—'
        rows.append([f'{res["method"]} ({res["setting"]})', *cells, mean])
    return markdown_table(['Run', *classes, 'mean'], rows)


def terms_table(trajectories: Dict[str, Dict[str, Tuple[float, float]]]) -> str:
    """Markdown: one row per run, ``first → last`` of each term, and the share of
    ``loss_vc`` in the total ``loss`` at the end."""
    keys = []
    for traj in trajectories.values():
        keys += [k for k in traj if k not in keys and k != 'loss']
    rows = []
    for name, traj in trajectories.items():
        cells = [f'{traj[k][0]:.4g} → {traj[k][1]:.4g}' if k in traj else '—'
                 for k in ['loss', *keys]]
        share = (f'{100 * traj["loss_vc"][1] / traj["loss"][1]:.2g} %'
                 if 'loss_vc' in traj and traj['loss'][1] else '—')
        rows.append([name, *cells, share])
    return markdown_table(['Run', 'loss', *keys, 'loss_vc / loss at end'], rows)
