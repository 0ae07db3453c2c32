"""Timeline of one recording's scores: classes × time, probability as colour."""
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure


def timeline_figure(times: Sequence[float], frame_scores: np.ndarray, seq_scores: np.ndarray,
                    classes: Sequence[str], title: str, top_k: int = 3) -> Figure:
    """One row per class, one column per grid frame; the ``top_k`` classes by sequence score
    are labelled in bold with their score.

    Args:
        times: (T_full,) seconds of the grid frames.
        frame_scores: (T_full, C) probabilities.
        seq_scores: (C,) recording probabilities.
        classes: C names.
        title: first title line (e.g. the recording name).
        top_k: classes to emphasise.
    """
    frame_scores = np.asarray(frame_scores, dtype=np.float32)
    seq_scores = np.asarray(seq_scores, dtype=np.float32)
    num_frames, num_classes = frame_scores.shape
    if len(times) != num_frames or len(classes) != num_classes or \
            seq_scores.shape != (num_classes,):
        raise ValueError(f'timeline: {len(times)} times, {len(classes)} classes, seq scores '
                         f'{seq_scores.shape} do not match frame scores {frame_scores.shape}')
    step = float(times[1] - times[0]) if num_frames > 1 else 0.4
    width = min(24.0, 7.0 + 0.02 * num_frames)
    fig = Figure(figsize=(width, 1.6 + 0.28 * num_classes), layout='constrained')
    ax = fig.subplots()
    image = ax.imshow(frame_scores.T, aspect='auto', interpolation='nearest', cmap='viridis',
                      vmin=0.0, vmax=1.0, extent=(times[0] - step / 2, times[-1] + step / 2,
                                                  num_classes - 0.5, -0.5))
    top = [int(i) for i in np.argsort(-seq_scores, kind='stable')[:top_k]]
    ax.set_yticks(range(num_classes))
    ax.set_yticklabels([f'{name} ({score:.2f})' for name, score in zip(classes, seq_scores)],
                       fontsize=8)
    for index, label in enumerate(ax.get_yticklabels()):
        if index in top:
            label.set_fontweight('bold')
            label.set_color('crimson')
    ax.set_xlabel('time (s)')
    fig.colorbar(image, ax=ax, label='frame probability', pad=0.01)
    tops = ', '.join(f'{classes[i]} {seq_scores[i]:.2f}' for i in top)
    ax.set_title(f'{title}\ntop classes (recording score): {tops}', fontsize=10)
    return fig
