"""Timeline of one recording: classes × time, with the decisions and the ground truth.

Top panel: one row per class, one column per grid frame. With thresholds, each class's scores
are shown against its own threshold (``score / threshold``, 1 = the decision boundary, capped
at 2; grey for a class without a threshold, never detected) and each detected segment (a run
of frames at or above the threshold, as :mod:`mmvicokd.apis.action_segments` finds them) is
outlined (artists with gid ``'detection'``). Without, the raw sigmoid scores are shown as what
they are: uncalibrated ranking scores.

Bottom panel (with ``truth``, the annotated frame labels): each (frame, class) as a hit (detected
and labelled), a miss (labelled, not detected) or a false alarm (detected, not labelled), or,
without thresholds, as labelled; every labelled segment is outlined (gid ``'truth'``).
"""
from typing import Optional, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..utils.frame_runs import frame_runs

RATIO_CAP = 2.0
#: bottom panel codes: name and colour
OUTCOMES = (('no action', 'white'), ('hit', 'tab:green'), ('miss', 'tab:red'),
            ('false alarm', 'tab:orange'), ('labelled', 'dimgray'))


def threshold_ratio(frame_scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """(T, C) ``score / threshold`` in [0, RATIO_CAP]; a threshold <= 0 gives the cap (every
    frame is detected), ``inf`` gives NaN (never detected: no scale, drawn grey)."""
    ratio = np.full(frame_scores.shape, RATIO_CAP)
    np.divide(frame_scores, thresholds, out=ratio, where=np.broadcast_to(
        thresholds > 0, frame_scores.shape))
    ratio = np.clip(ratio, 0.0, RATIO_CAP)
    ratio[:, np.isinf(thresholds)] = np.nan
    return ratio


def outcome_codes(detected: Optional[np.ndarray], truth: np.ndarray) -> np.ndarray:
    """(T, C) indices into :data:`OUTCOMES` of the decisions against the labelled frames."""
    truth = np.asarray(truth) > 0.5
    if detected is None:
        return np.where(truth, 4, 0)
    return np.select([detected & truth, truth, detected], [1, 2, 3], default=0)


def _outline(ax, runs_by_class, times, step, gid, **style) -> None:
    for c, runs in enumerate(runs_by_class):
        for first, last in runs:
            ax.add_patch(Rectangle((times[first] - step / 2, c - 0.42),
                                   (last - first + 1) * step, 0.84, fill=False, gid=gid,
                                   **style))


def _class_axis(ax, labels, bold) -> None:
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=8)
    for index, label in enumerate(ax.get_yticklabels()):
        if index in bold:
            label.set_fontweight('bold')
            label.set_color('crimson')


def timeline_figure(times: Sequence[float], frame_scores: np.ndarray, seq_scores: np.ndarray,
                    classes: Sequence[str], title: str, top_k: int = 3,
                    thresholds: Optional[np.ndarray] = None,
                    truth: Optional[np.ndarray] = None) -> Figure:
    """The timeline (module docstring); the ``top_k`` classes by recording score are bold.

    Args:
        times: (T_full,) seconds of the grid frames.
        frame_scores: (T_full, C) sigmoid scores.
        seq_scores: (C,) recording scores.
        classes: C names.
        title: first title line (e.g. the recording name).
        top_k: classes to emphasise.
        thresholds: (C,) per-class thresholds (``inf``: never detected), or None.
        truth: (T_full, C) annotated frame labels (0/1), or None.
    """
    frame_scores = np.asarray(frame_scores, dtype=np.float64)
    seq_scores = np.asarray(seq_scores, dtype=np.float64)
    num_frames, num_classes = frame_scores.shape
    if len(times) != num_frames or len(classes) != num_classes or \
            seq_scores.shape != (num_classes,) or \
            (thresholds is not None and np.shape(thresholds) != (num_classes,)) or \
            (truth is not None and np.shape(truth) != frame_scores.shape):
        raise ValueError(f'timeline: {len(times)} times, {len(classes)} classes, seq scores '
                         f'{seq_scores.shape}, thresholds {np.shape(thresholds)} and truth '
                         f'{np.shape(truth)} do not match frame scores {frame_scores.shape}')
    times = np.asarray(times, dtype=np.float64)
    step = float(times[1] - times[0]) if num_frames > 1 else 0.4
    extent = (times[0] - step / 2, times[-1] + step / 2, num_classes - 0.5, -0.5)
    panels = 1 if truth is None else 2
    fig = Figure(figsize=(min(24.0, 7.0 + 0.02 * num_frames),
                          panels * (1.2 + 0.28 * num_classes) + 0.4), layout='constrained')
    axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
    top = [int(i) for i in np.argsort(-seq_scores, kind='stable')[:top_k]]
    labels = [f'{name} ({score:.2f})' for name, score in zip(classes, seq_scores)]
    detected = None
    if thresholds is None:
        image = axes[0].imshow(frame_scores.T, aspect='auto', interpolation='nearest',
                               cmap='viridis', vmin=0.0, vmax=1.0, extent=extent)
        bar = 'sigmoid score (uncalibrated: ranks classes, not a probability)'
    else:
        thresholds = np.asarray(thresholds, dtype=np.float64)
        detected = frame_scores >= thresholds
        image = axes[0].imshow(threshold_ratio(frame_scores, thresholds).T, aspect='auto',
                               interpolation='nearest', extent=extent,
                               cmap=colormaps['RdBu_r'].with_extremes(bad='lightgrey'),
                               norm=TwoSlopeNorm(vmin=0.0, vcenter=1.0, vmax=RATIO_CAP))
        _outline(axes[0], [frame_runs(detected[:, c]) for c in range(num_classes)], times,
                 step, 'detection', edgecolor='black', linewidth=1.4)
        bar = (f'score / class threshold (>= 1: detected, outlined; capped at {RATIO_CAP:g}; '
               'grey: never detected)')
        labels = [f'{label[:-1]}, thr {"never" if np.isinf(t) else f"{t:.2f}"})'
                  for label, t in zip(labels, thresholds)]
    _class_axis(axes[0], labels, top)
    fig.colorbar(image, ax=axes[0], label=bar, pad=0.01)
    tops = ', '.join(f'{classes[i]} {seq_scores[i]:.2f}' for i in top)
    axes[0].set_title(f'{title}\ntop classes (recording score): {tops}', fontsize=10)
    if truth is not None:
        codes = outcome_codes(detected, truth)
        colours = ListedColormap([colour for _, colour in OUTCOMES])
        axes[1].imshow(codes.T, aspect='auto', interpolation='nearest', cmap=colours,
                       norm=BoundaryNorm(np.arange(len(OUTCOMES) + 1) - 0.5, len(OUTCOMES)),
                       extent=extent)
        _outline(axes[1], [frame_runs(np.asarray(truth)[:, c] > 0.5)
                           for c in range(num_classes)], times, step, 'truth',
                 edgecolor='black', linewidth=0.8, linestyle='--')
        _class_axis(axes[1], list(classes), top)
        shown = [1, 2, 3] if detected is not None else [4]
        counts = ', '.join(f'{OUTCOMES[k][0]} {int((codes == k).sum())}' for k in shown)
        axes[1].legend(handles=[Patch(facecolor=OUTCOMES[k][1], edgecolor='black',
                                      label=OUTCOMES[k][0]) for k in shown],
                       loc='upper left', bbox_to_anchor=(1.005, 1.0), fontsize=8)
        axes[1].set_title(f'ground truth (dashed) vs decisions, in frames: {counts}'
                          if detected is not None else 'ground truth (no thresholds: no '
                          'decisions)', fontsize=10)
    axes[-1].set_xlabel('time (s)')
    return fig
