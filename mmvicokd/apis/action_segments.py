"""Detected action segments of a recording: runs of grid frames at or above a class threshold.

A segment of class c is a maximal run of consecutive grid frames t..u with
``frame_scores[i, c] >= thresholds[c]`` (:mod:`mmvicokd.evaluation.calibration`'s rule);
``start`` / ``end`` are the times of its first and last frame, so that an annotation file's
trick ``[start, end]`` covers the same frames (``round(start * fps)`` .. ``round(end * fps)``,
:func:`mmvicokd.datasets.functional.trick_frame_span`); ``peak`` is its highest score.
"""
from typing import List, Sequence

import numpy as np

from ..utils.frame_runs import frame_runs


def detected_segments(times: Sequence[float], frame_scores: np.ndarray, thresholds: np.ndarray,
                      classes: Sequence[str]) -> List[dict]:
    """Every class's segments, ordered by start, then by class order.

    Args:
        times: (T,) seconds of the grid frames.
        frame_scores: (T, C) scores.
        thresholds: (C,) per-class thresholds (``inf``: never detected).
        classes: C names.

    Returns:
        ``dict(label, start, end, peak)`` per segment (``label``: the class name).
    """
    frame_scores = np.asarray(frame_scores, dtype=np.float64)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if frame_scores.shape != (len(times), len(classes)) or thresholds.shape != (len(classes),):
        raise ValueError(f'segments: frame scores {frame_scores.shape}, {len(times)} times, '
                         f'{len(classes)} classes and thresholds {thresholds.shape} disagree')
    detected = frame_scores >= thresholds
    found = []
    for c, name in enumerate(classes):
        for first, last in frame_runs(detected[:, c]):
            found.append((first, c, dict(label=name, start=float(times[first]),
                                         end=float(times[last]),
                                         peak=float(frame_scores[first:last + 1, c].max()))))
    return [segment for _, _, segment in sorted(found, key=lambda item: item[:2])]
