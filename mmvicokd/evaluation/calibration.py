"""Per-class decision thresholds on frame scores, and F1 / precision / recall at them.

**Why.** The models are trained with the Two-way multi-label loss, which orders the classes of a
frame but does not make ``sigmoid(logit)`` a probability: many absent classes score close to 1.
mAP reads only the order; a decision ("frame t shows class c") needs a threshold per class.

**Which calibration.** Per class, the threshold that maximises F1 on held-out frame scores (a
validation split's test-pipeline frames, ``tools/calibrate.py``):

- F1 weighs missed actions against false alarms and ignores the true negatives, which make up
  most of the (frame, class) pairs, so it suits sparse actions better than accuracy;
- per class, because the classes' score scales differ (the loss ranks, it does not align);
- a threshold is a monotone map of the scores, so AP and mAP are unchanged by it; fitting a
  probability (Platt, isotonic) would still leave the choice of a threshold, and for F1 the same
  one.

**Decision rule.** Frame t shows class c iff ``score[t, c] >= threshold[c]``.

**Fit of one class.** The candidates are the distinct score values and ``+inf`` (detect
nothing). At a candidate: TP / FP = positives / negatives scoring at or above it, FN = positives
below it, ``F1 = 2 TP / (2 TP + FP + FN)``, taken as 0 when TP = 0. The threshold is the
candidate of largest F1; **ties go to the highest candidate** (fewest detections for the same
F1). Equal scores enter together, so the order of the input never matters. **A class without
a positive** has F1 = 0 at every candidate, so it gets ``+inf``: it is never detected (stored
as JSON ``null``, :mod:`.threshold_record`).

Example (hand-checkable): scores ``.9 .8 .7 .6`` with labels ``1 0 1 0`` (2 positives):
t = .9 gives TP 1, FP 0 -> F1 2/3; t = .8: TP 1, FP 1 -> 1/2; t = .7: TP 2, FP 1 -> 4/5;
t = .6: TP 2, FP 2 -> 2/3. The threshold is 0.7.
"""
from typing import Dict, Tuple

import numpy as np

from .functional import check_inputs

WHAT = 'threshold calibration'


def _best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """:func:`f1_optimal_threshold` of checked (N,) float64 scores and bool labels."""
    num_pos = int(labels.sum())
    if num_pos == 0:
        return float('inf')
    order = np.argsort(-scores, kind='mergesort')
    scores, labels = scores[order], labels[order]
    # last rank of each group of equal scores: one candidate per distinct score, highest first
    last_of_group = np.r_[np.flatnonzero(np.diff(scores)), scores.size - 1]
    true_pos = np.cumsum(labels)[last_of_group]
    detected = last_of_group + 1
    f1 = 2.0 * true_pos / (detected + num_pos)  # 2TP + FP + FN = detected + positives
    best = int(np.flatnonzero(f1 == f1.max())[0])  # the first maximum is the highest candidate
    return float(scores[last_of_group[best]])


def f1_optimal_threshold(scores, labels) -> float:
    """The F1-optimal threshold of one class (module docstring).

    Args:
        scores: (N,) real scores.
        labels: (N,) binary ground truth.

    Returns:
        A value of ``scores``, or ``inf`` when ``labels`` has no positive.
    """
    scores, labels = check_inputs(np.reshape(scores, (-1, 1)), np.reshape(labels, (-1, 1)),
                                  WHAT)
    return _best_threshold(scores[:, 0], labels[:, 0])


def f1_optimal_thresholds(scores, labels) -> np.ndarray:
    """Per-class F1-optimal thresholds.

    Args:
        scores: (N, C) real frame scores.
        labels: (N, C) binary frame labels.

    Returns:
        (C,) float64 thresholds, ``inf`` for the classes without a positive.
    """
    scores, labels = check_inputs(scores, labels, WHAT)
    return np.array([_best_threshold(scores[:, c], labels[:, c])
                     for c in range(scores.shape[1])])


def check_thresholds(thresholds, num_classes: int, where: str) -> np.ndarray:
    """``thresholds`` as (C,) float64; ``None`` entries become ``inf`` (never detected).

    Raises:
        ValueError: not C values, or a NaN; the message starts with ``where``.
    """
    values = np.array([np.inf if t is None else t for t in np.ravel(thresholds).tolist()],
                      dtype=np.float64)
    if values.shape != (num_classes,):
        raise ValueError(f'{where}: {values.size} thresholds for {num_classes} classes')
    if np.isnan(values).any():
        raise ValueError(f'{where}: thresholds hold NaN (use null / None for a class that is '
                         'never detected)')
    return values


def decision_counts(scores, labels, thresholds) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives per class.

    Args:
        scores: (N, C) real scores.
        labels: (N, C) binary labels.
        thresholds: (C,) one threshold per class, or (N, C) one per row and class
            (cross-fitting); ``inf`` never detects.

    Returns:
        ``(tp, fp, fn)``, each (C,) int64.
    """
    scores, labels = check_inputs(scores, labels, WHAT)
    detected = scores >= np.asarray(thresholds, dtype=np.float64)
    tp = (detected & labels).sum(0)
    fp = (detected & ~labels).sum(0)
    fn = (~detected & labels).sum(0)
    return tp, fp, fn


def f1_precision_recall(scores, labels, thresholds) -> Dict[str, float]:
    """Macro F1, precision and recall at ``thresholds`` (fractions in [0, 1]).

    Per class: ``P = TP / (TP + FP)`` (0 when the class is never detected), ``R = TP / (TP +
    FN)``, ``F1 = 2 TP / (2 TP + FP + FN)``; the macro mean is over the classes with at least one
    positive among the N rows, as for mAP (:func:`.functional.multilabel_map`), whose false
    alarms on other classes' frames count in their precision.

    Args:
        scores, labels, thresholds: as :func:`decision_counts`.

    Returns:
        ``dict(F1, precision, recall, classes)`` (``classes``: how many were averaged).

    Raises:
        ValueError: no class has a positive.
    """
    tp, fp, fn = decision_counts(scores, labels, thresholds)
    present = (tp + fn) > 0
    if not present.any():
        raise ValueError(f'F1 is undefined: none of the {tp.size} classes has a positive among '
                         f'the {np.shape(scores)[0]} rows')
    tp, fp, fn = tp[present], fp[present], fn[present]
    precision = np.divide(tp, tp + fp, out=np.zeros(tp.shape), where=(tp + fp) > 0)
    return dict(F1=float(np.mean(2.0 * tp / (2 * tp + fp + fn))),
                precision=float(precision.mean()), recall=float(np.mean(tp / (tp + fn))),
                classes=int(present.sum()))


def leave_one_group_out_thresholds(scores, labels, groups) -> np.ndarray:
    """Thresholds for every row fitted without the rows of its own group (cross-fitting).

    For the recordings of a test split (``groups`` = each frame's recording), each recording's
    frames are decided with thresholds fitted on the other recordings only, so F1 at those
    thresholds is a held-out estimate although every threshold comes from the split.

    Args:
        scores: (N, C) real scores.
        labels: (N, C) binary labels.
        groups: (N,) group id of each row (at least two groups).

    Returns:
        (N, C) thresholds, for :func:`decision_counts` / :func:`f1_precision_recall`.
    """
    scores, labels = check_inputs(scores, labels, WHAT)
    groups = np.asarray(groups)
    names = np.unique(groups)
    if groups.shape != (scores.shape[0],) or names.size < 2:
        raise ValueError(f'leave-one-group-out needs a group per row and at least two groups; '
                         f'got {names.size} group(s) for {scores.shape[0]} rows')
    out = np.empty_like(scores)
    for name in names:
        mine = groups == name
        out[mine] = f1_optimal_thresholds(scores[~mine], labels[~mine])
    return out
