"""Multi-label mean average precision (paper §4.1), in plain numpy.

Average precision follows the usual definition (the one of scikit-learn's
``average_precision_score``): with the samples ranked by decreasing score and one threshold
per distinct score value, ``AP = sum_n (R_n - R_{n-1}) * P_n`` where ``P_n`` and ``R_n`` are the
precision and recall at the n-th threshold and ``R_0 = 0``. Samples with equal scores enter
together, so ties never depend on the input order.
"""
from typing import Tuple

import numpy as np


def check_inputs(scores, labels, what: str = 'multi-label mAP'
                 ) -> Tuple[np.ndarray, np.ndarray]:
    """``(scores (N, C) float64, labels (N, C) bool)``; ``what`` names the caller in errors."""
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels)
    if scores.ndim != 2 or labels.shape != scores.shape:
        raise ValueError(f'{what} expects scores and labels of one shape (N, C); got '
                         f'scores {scores.shape} and labels {labels.shape}')
    if not np.isfinite(scores).all():
        raise ValueError(f'{what} got non-finite scores (NaN or inf)')
    if not np.isin(labels, (0, 1)).all():
        raise ValueError(f'{what} expects binary labels (0 or 1)')
    return scores, labels.astype(bool)


def average_precision(scores, labels) -> float:
    """Average precision of one class.

    Args:
        scores: (N,) real scores, higher means more likely positive.
        labels: (N,) binary ground truth with at least one positive.

    Returns:
        AP in [0, 1].
    """
    scores, labels = check_inputs(np.reshape(scores, (-1, 1)), np.reshape(labels, (-1, 1)))
    scores, labels = scores[:, 0], labels[:, 0]
    if not labels.any():
        raise ValueError('average precision is undefined for a class without positives')
    order = np.argsort(-scores, kind='mergesort')
    scores, labels = scores[order], labels[order]
    # Last rank of each group of equal scores: one threshold per distinct score.
    last_of_group = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    true_pos = np.cumsum(labels)[last_of_group]
    precision = true_pos / (last_of_group + 1)
    recall = true_pos / true_pos[-1]
    recall_step = np.diff(np.r_[0.0, recall])
    return float(np.sum(recall_step * precision))


def per_class_average_precision(scores, labels) -> Tuple[np.ndarray, int]:
    """Average precision of every class.

    Args:
        scores: (N, C) real scores.
        labels: (N, C) binary ground truth.

    Returns:
        ``(ap, num_left_out)``: ap (C,) float64 with NaN for the classes that have no positive
        among the N samples (AP is undefined there), and how many such classes were left out.
    """
    scores, labels = check_inputs(scores, labels)
    ap = np.full(scores.shape[1], np.nan)
    for c in np.flatnonzero(labels.any(axis=0)):
        ap[c] = average_precision(scores[:, c], labels[:, c])
    return ap, int(np.isnan(ap).sum())


def multilabel_map(scores, labels) -> float:
    """Macro mean of the per-class AP over the classes with at least one positive.

    Args:
        scores: (N, C) real scores.
        labels: (N, C) binary ground truth.

    Returns:
        mAP as a fraction in [0, 1].
    """
    ap, num_left_out = per_class_average_precision(scores, labels)
    if num_left_out == ap.size:
        raise ValueError(f'multi-label mAP is undefined: none of the {ap.size} classes has a '
                         f'positive among the {np.shape(scores)[0]} samples')
    return float(np.nanmean(ap))
