"""Per-view readings (what Eq. 9-10 compare) against the fused output, in plain numpy.

View-aware consistency pushes views to agree on p_{i,t}, the class distribution view i reads
at frame t; it only helps when those readings are informative where the view sees the actor.
These functions measure that on labelled frames: the share of frames whose top-1 class is a
true class, per view on the frames its human mask marks as visible, and for the fused frame
output on every labelled frame.

Shapes: V views, T frames, C classes, N rows.
"""
from typing import Tuple

import numpy as np


def top1_hits(scores: np.ndarray, labels: np.ndarray) -> Tuple[int, int]:
    """How many labelled rows have their highest-scoring class among their true classes.

    Args:
        scores: (N, C) scores (any monotonic map of the logits).
        labels: (N, C) binary labels; rows without a positive are not counted.

    Returns:
        ``(hits, rows)``: hits among the ``rows`` labelled rows.
    """
    scores, labels = np.asarray(scores), np.asarray(labels).astype(bool)
    if scores.ndim != 2 or labels.shape != scores.shape:
        raise ValueError(f'top1_hits expects scores and labels of one shape (N, C); got '
                         f'{scores.shape} and {labels.shape}')
    labelled = labels.any(axis=1)
    top = scores[labelled].argmax(axis=1)
    return int(labels[labelled][np.arange(top.size), top].sum()), int(labelled.sum())


def visible_view_rows(view_scores: np.ndarray, frame_label: np.ndarray,
                      human_mask: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The (view, frame) rows a view's reading is judged on: where its mask sees a person.

    Args:
        view_scores: (V, T, C) per-view frame scores.
        frame_label: (T, C) frame labels (of the recording, shared by its views).
        human_mask: (V, T) bool, a person visible in view v at frame t.

    Returns:
        ``(scores, labels)``, both (N, C), N = number of visible (v, t) pairs.
    """
    views, frames, classes = view_scores.shape
    if frame_label.shape != (frames, classes) or human_mask.shape != (views, frames):
        raise ValueError(f'visible_view_rows: view scores {view_scores.shape} need frame '
                         f'labels ({frames}, {classes}) and a mask ({views}, {frames}); got '
                         f'{frame_label.shape} and {human_mask.shape}')
    mask = human_mask.astype(bool)
    labels = np.broadcast_to(frame_label[None], view_scores.shape)
    return view_scores[mask], labels[mask]
