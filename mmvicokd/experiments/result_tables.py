"""Markdown tables of the paper (Tables 1-4) from summarised runs (:mod:`.seed_summary`).

Every table shows sequence-level mAP first and frame-level mAP second (docs/design.md section 5),
in percent. A cell of n > 1 runs reads ``mean ± std [n=3]`` with the sample standard deviation
(ddof=1), as paper Table 2; differences in parentheses are between means.

* Table 1: methods × setting (× backbone when several), one block per data root when several;
  difference from the non-distilled ``Student`` of the same column; teacher rows span the
  columns of their backbone. Table 3's teachers with VC and Table 4's ablations are left out.
* Table 3: teacher AV_F ``a → b (±d)`` without (a) and with (b) view-aware consistency, per
  backbone and data root.
* Table 4: ViCoKD and its ablations per data root and setting, difference from ViCoKD; the
  same for ViCoKD with other view-consistency weights or gradient (:func:`vc_study_table`).
* Our per-view frame loss (:func:`vfl_table`): each ``+VFL`` run beside the paper's method it
  adds the loss to, with the difference.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from ..utils.markdown import markdown_table
from .run_info import (ABLATION_PREFIX, ABLATIONS, TABLE1_METHODS, TEACHER, TEACHER_VC,
                       ablation_name, is_vc_variant, is_vfl_variant)
from .run_logs import METRICS, TEACHER_METRICS
from .seed_summary import RunSummary

METRIC_TITLES = (('seq_mAP', 'Sequence-level mAP (%)'), ('frame_mAP', 'Frame-level mAP (%)'))
BACKBONE_ORDER = ('MultiTrans', 'MultiASL', 'MultiTSF')
STD_NOTE = ('Cells of several runs (seeds) show mean ± sample standard deviation (ddof=1) and '
            'n, the number of runs.')


def format_value(summary: Optional[RunSummary], metric: str,
                 baseline: Optional[RunSummary] = None) -> str:
    """``'65.23'``, ``'65.23 (+9.32)'`` or ``'65.23 ± 0.74 (+9.32) [n=3]'``; ``'—'`` if absent."""
    if summary is None:
        return '—'
    text = f'{summary.mean[metric]:.2f}'
    if summary.n > 1:
        text += f' ± {summary.std[metric]:.2f}'
    if baseline is not None:
        text += f' ({summary.mean[metric] - baseline.mean[metric]:+.2f})'
    if summary.n > 1:
        text += f' [n={summary.n}]'
    return text


def ordered(values, order=()) -> List[str]:
    values = list(dict.fromkeys(values))
    return [v for v in order if v in values] + sorted(v for v in values if v not in order)


def data_labels(summaries: Sequence[RunSummary]) -> Dict[str, str]:
    """Short names of the data roots: their last folder when those differ, else the paths."""
    roots = list(dict.fromkeys(s.info.data for s in summaries))
    short = [osp.basename(r) or r or '(no data root)' for r in roots]
    if len(set(short)) == len(short):
        return dict(zip(roots, short))
    return {r: r or '(no data root)' for r in roots}


def _index(summaries: Sequence[RunSummary]) -> Dict[tuple, RunSummary]:
    return {s.info.group_key(): s for s in summaries}


def _arrow(setting: str) -> str:
    return f'AV_F → {setting}' if setting.startswith('V_') else setting


def _table1_block(summaries: Sequence[RunSummary], data: str, metric: str) -> str:
    here = [s for s in summaries if s.info.data == data]
    cells = _index(here)
    backbones = ordered((s.info.backbone for s in here), BACKBONE_ORDER)
    students = [s for s in here if not s.info.setting.startswith('AV')]
    teacher_settings = ordered((s.info.setting for s in here if s.info.method == TEACHER),
                                ('AV_F',))
    settings = (ordered((s.info.setting for s in students), ('V_F', 'V_S'))
                or teacher_settings)
    columns = [(b, st) for b in backbones for st in settings]
    several = len(backbones) > 1
    header = ['Method'] + [f'{b} {_arrow(st)}' if several else _arrow(st) for b, st in columns]
    rows = []
    for setting in teacher_settings:
        rows.append([f'{TEACHER} ({setting})'] + [
            format_value(cells.get((data, b, TEACHER, setting)), metric) for b, _ in columns])
    methods = ordered((s.info.method for s in students), TABLE1_METHODS)
    for method in methods:
        row = [method]
        for backbone, setting in columns:
            base = (None if method == 'Student'
                    else cells.get((data, backbone, 'Student', setting)))
            row.append(format_value(cells.get((data, backbone, method, setting)), metric, base))
        rows.append(row)
    return markdown_table(header, rows)


def table1(summaries: Sequence[RunSummary]) -> str:
    """Table 1 (with Table 2's mean ± std) as markdown; see the module docstring."""
    kept = [s for s in summaries if s.info.method != TEACHER_VC and
            ablation_name(s.info.method) is None and not is_vc_variant(s.info.method)
            and not is_vfl_variant(s.info.method)]
    if not kept:
        raise ValueError('no run for Table 1 (only teachers with VC or ablations were given)')
    labels = data_labels(kept)
    backbones = ordered((s.info.backbone for s in kept), BACKBONE_ORDER)
    parts = ['# Table 1: distillation methods' + (
        f' ({backbones[0]})' if len(backbones) == 1 else ''),
        '',
        'mAP (%), sequence level first. AV_F → V_F / V_S: audio-visual teacher (frame labels) '
        'to a visual-only student trained with frame / sequence labels. In parentheses: the '
        'difference from the non-distilled Student of the same column. ' + STD_NOTE]
    for metric, title in METRIC_TITLES:
        parts += ['', f'## {title}']
        for data, label in labels.items():
            if len(labels) > 1:
                parts += ['', f'### {label}']
            parts += ['', _table1_block(kept, data, metric)]
    return '\n'.join(parts) + '\n'


def _a_to_b(a, b, metric: str) -> str:
    """A cell ``a → b (b - a)`` of two summaries (either may be missing: no difference)."""
    text = f'{format_value(a, metric)} → {format_value(b, metric)}'
    if a is not None and b is not None:
        text += f' ({b.mean[metric] - a.mean[metric]:+.2f})'
    return text


def table3(summaries: Sequence[RunSummary]) -> Optional[str]:
    """Table 3 as markdown, or None without any teacher trained with VC."""
    with_vc = [s for s in summaries if s.info.method == TEACHER_VC]
    if not with_vc:
        return None
    cells = _index(summaries)
    labels = data_labels(with_vc)
    columns = [(d, st) for d in labels
               for st in ordered(s.info.setting for s in with_vc if s.info.data == d)]
    backbones = ordered((s.info.backbone for s in with_vc), BACKBONE_ORDER)
    parts = ['# Table 3: view-aware consistency in the teacher', '',
             'mAP (%) of the teacher without (a) and with (b) the view-aware consistency loss: '
             'a → b (b - a). ' + STD_NOTE]
    for metric, title in METRIC_TITLES:
        rows = []
        for backbone in backbones:
            row = [backbone]
            for data, setting in columns:
                row.append(_a_to_b(cells.get((data, backbone, TEACHER, setting)),
                                   cells.get((data, backbone, TEACHER_VC, setting)), metric))
            rows.append(row)
        header = ['Backbone'] + [f'{labels[d]} {st}' for d, st in columns]
        parts += ['', f'## {title}', '', markdown_table(header, rows)]
    return '\n'.join(parts) + '\n'


def _variant_table(summaries: Sequence[RunSummary], variants: Sequence[tuple], heading: str,
                   intro: str) -> Optional[str]:
    """ViCoKD and its ``variants`` (``(row label, method)``) per backbone, data root and
    setting, each with its difference from ViCoKD; None without any variant run."""
    methods = {method for _, method in variants}
    varied = [s for s in summaries if s.info.method in methods]
    if not varied:
        return None
    cells = _index(summaries)
    labels = data_labels(varied)
    backbones = ordered((s.info.backbone for s in varied), BACKBONE_ORDER)
    parts = [heading, '', intro + ' ' + STD_NOTE]
    for metric, title in METRIC_TITLES:
        parts += ['', f'## {title}']
        for backbone in backbones:
            mine = [s for s in varied if s.info.backbone == backbone]
            columns = [(d, st) for d in labels for st in ordered(
                (s.info.setting for s in mine if s.info.data == d), ('V_F', 'V_S'))]
            header = ['Method'] + [f'{labels[d]} {_arrow(st)}' for d, st in columns]
            rows = []
            for name, method in (('ViCoKD', 'ViCoKD'), *variants):
                row = [name]
                for data, setting in columns:
                    base = (None if method == 'ViCoKD'
                            else cells.get((data, backbone, 'ViCoKD', setting)))
                    row.append(format_value(cells.get((data, backbone, method, setting)),
                                            metric, base))
                rows.append(row)
            parts += ['', f'### {backbone}', '', markdown_table(header, rows)]
    return '\n'.join(parts) + '\n'


def table4(summaries: Sequence[RunSummary]) -> Optional[str]:
    """Table 4 as markdown, or None without any ablation run."""
    return _variant_table(
        summaries, [(name, ABLATION_PREFIX + name) for name in ABLATIONS],
        '# Table 4: ablations of ViCoKD',
        'mAP (%); in parentheses the difference from ViCoKD. w/o ConfW: consistency without '
        'the confidence weight; w/o Mask: without the human-detection mask; JS→KL: KL instead '
        'of JS divergence; w/o FD / w/o LD: without feature / logit distillation.')


def vc_study_table(summaries: Sequence[RunSummary]) -> Optional[str]:
    """ViCoKD with other view-consistency settings (this repo's study, not the paper's), or
    None without such runs."""
    variants = ordered(s.info.method for s in summaries if is_vc_variant(s.info.method))
    return _variant_table(
        summaries, [(method, method) for method in variants],
        '# View consistency: weight and gradient through w (this repo\'s study)',
        'mAP (%); in parentheses the difference from ViCoKD (VC weight 1, w without '
        'gradient). VC×k: the view-consistency loss weighted k; w with grad: gradient through '
        'the confidence weight w of Eq. 10.')


def vfl_table(summaries: Sequence[RunSummary]) -> Optional[str]:
    """Each ``<method>+VFL`` run (ours, opt-in) against ``<method>`` per backbone, data root and
    setting: ``a → b (b - a)``; None without such runs."""
    varied = [s for s in summaries if is_vfl_variant(s.info.method)]
    if not varied:
        return None
    cells = _index(summaries)
    labels = data_labels(varied)
    keys = ordered(((s.info.backbone, s.info.method, s.info.setting) for s in varied))
    parts = ['# Our per-view frame loss (ViewFrameLoss, not the paper\'s)', '',
             'mAP (%) of a paper method (a) and the same method trained with our per-view '
             'frame loss on its recognizer and, for a distiller, on its teacher (b): a → b '
             '(b - a). ' + STD_NOTE]
    for metric, title in METRIC_TITLES:
        rows = []
        for backbone, method, setting in keys:
            base = method[:-len('+VFL')]
            row = [backbone, base, _arrow(setting)]
            for data in labels:
                row.append(_a_to_b(cells.get((data, backbone, base, setting)),
                                   cells.get((data, backbone, method, setting)), metric))
            rows.append(row)
        header = ['Backbone', 'Method', 'Setting'] + [labels[d] for d in labels]
        parts += ['', f'## {title}', '', markdown_table(header, rows)]
    return '\n'.join(parts) + '\n'


def _cell(metrics: Dict[str, float], key: str) -> str:
    return f'{metrics[key]:.2f}' if key in metrics else '—'


def runs_table(records: Sequence) -> str:
    """Markdown list of every run read: how it was described and where its numbers came from.

    A distiller run that logged its frozen teacher's metrics on the same split
    (``teacher/seq_mAP``, ``teacher/frame_mAP``) shows them in the teacher columns.
    """
    rows = [[r.work_dir, r.info.method, r.info.setting, r.info.backbone, r.info.data or '—',
             str(r.info.seed), *(_cell(r.metrics, k) for k in METRICS + TEACHER_METRICS),
             r.source] for r in records]
    return markdown_table(['work dir', 'method', 'setting', 'backbone', 'data', 'seed', 'seq_mAP',
                      'frame_mAP', 'teacher seq_mAP', 'teacher frame_mAP', 'metrics from'],
                     rows)
