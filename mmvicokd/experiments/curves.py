"""Paper Fig. 3: test mAP against epoch, one line per method, one panel per setting."""
import math
from typing import Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .result_tables import BACKBONE_ORDER, ordered, data_labels
from .run_info import TABLE1_METHODS, TEACHER, TEACHER_VC, ablation_name
from .seed_summary import RunSummary

PANEL_INCHES = (5.0, 3.6)


def _panels(summaries: Sequence[RunSummary]) -> list:
    """``(data, backbone, setting)`` of every student setting, in table order."""
    students = [s for s in summaries if not s.info.setting.startswith('AV')]
    keys = []
    for data in dict.fromkeys(s.info.data for s in students):
        here = [s for s in students if s.info.data == data]
        for backbone in ordered((s.info.backbone for s in here), BACKBONE_ORDER):
            settings = ordered((s.info.setting for s in here if s.info.backbone == backbone),
                                ('V_F', 'V_S'))
            keys += [(data, backbone, setting) for setting in settings]
    return keys


def _plot(ax, summary: RunSummary, metric: str, label: str, **style) -> None:
    epochs = sorted(summary.curve)
    means = [summary.curve[e][metric][0] for e in epochs]
    line, = ax.plot(epochs, means, marker='o', markersize=3, label=label, **style)
    stds = [summary.curve[e][metric][1] for e in epochs]
    if any(s is not None for s in stds):
        lo = [m - (s or 0.0) for m, s in zip(means, stds)]
        hi = [m + (s or 0.0) for m, s in zip(means, stds)]
        ax.fill_between(epochs, lo, hi, color=line.get_color(), alpha=0.2, linewidth=0)


def curves_figure(summaries: Sequence[RunSummary], metric: str = 'seq_mAP') -> Figure:
    """Fig. 3 style figure of the validation (= test split) curves of ``summaries``.

    Panels: one per (data root, backbone, student setting); lines: the Table 1 methods of that
    panel (mean over seeds, a band of ± the sample std where several runs logged an epoch) and
    the teacher of the same data and backbone, dashed. Teachers with VC and ablations are left
    to Tables 3 and 4.

    Raises:
        ValueError: no run logged a validation entry, or there is no student run.
    """
    kept = [s for s in summaries
            if s.info.method != TEACHER_VC and ablation_name(s.info.method) is None]
    if not any(s.curve for s in kept):
        raise ValueError('no run logged a validation entry (seq_mAP with a step in '
                         'vis_data/scalars.json), so there is no curve to draw; train with a '
                         'val_interval to log them')
    panels = _panels(kept)
    if not panels:
        raise ValueError('curves need student runs (V_F / V_S); only teachers were given')
    labels = data_labels(kept)
    cols = min(2, len(panels))
    rows = math.ceil(len(panels) / cols)
    fig = Figure(figsize=(PANEL_INCHES[0] * cols, PANEL_INCHES[1] * rows + 0.6),
                 layout='constrained')
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    name = 'sequence-level' if metric == 'seq_mAP' else 'frame-level'
    for ax, (data, backbone, setting) in zip(axes, panels):
        for teacher in (s for s in kept if s.info.method == TEACHER and s.info.data == data
                        and s.info.backbone == backbone and s.curve):
            _plot(ax, teacher, metric, f'Teacher ({teacher.info.setting})', linestyle='--',
                  color='black')
        here = {s.info.method: s for s in kept if (s.info.data, s.info.backbone,
                                                   s.info.setting) == (data, backbone, setting)}
        for method in ordered(here, TABLE1_METHODS):
            if here[method].curve:
                _plot(ax, here[method], metric, method)
        ax.set_title(f'{labels[data]} {backbone}: AV_F → {setting}', fontsize=10)
        ax.set_xlabel('epoch')
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(f'{metric} (%)')
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    fig.suptitle(f'Test {name} mAP by epoch', fontsize=11)
    return fig
