"""Paired bootstrap confidence intervals of mAP differences, in plain numpy.

Two runs scored on the same test recordings are compared on the same resamples: each
bootstrap replicate draws the test recordings with replacement, scores both runs on the
drawn recordings (a frame-level mAP takes every frame of every drawn recording), and keeps the
difference. Over several training seeds the replicate's difference is the mean over seeds of
the per-seed differences, every seed on the same drawn recordings (the test split is the same
for all seeds), so the interval covers the test-set sampling and the seeds' spread together.

A draw is a vector of multiplicities (how often each recording was drawn); AP with these
multiplicities as sample weights equals AP on the duplicated rows, since duplicates tie
(:func:`weighted_map`), so one sort per class serves every replicate.
"""
import warnings
from typing import Dict, Sequence

import numpy as np


def recording_draws(num_recordings: int, num_resamples: int, seed: int = 0) -> np.ndarray:
    """(B, R) multiplicities of ``num_resamples`` draws of R recordings with replacement."""
    if num_recordings < 1 or num_resamples < 1:
        raise ValueError(f'need at least one recording and one resample, got '
                         f'{num_recordings} and {num_resamples}')
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, num_recordings, size=(num_resamples, num_recordings))
    draws = np.zeros((num_resamples, num_recordings))
    np.add.at(draws, (np.arange(num_resamples)[:, None], picks), 1.0)
    return draws


def weighted_map(scores: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Macro mAP of ``scores`` (N, C) against binary ``labels`` (N, C) under each row of
    ``weights`` (B, N), as fractions (B,).

    Row n counts ``weights[b, n]`` times: with integer weights this is the AP of
    :func:`~mmvicokd.evaluation.functional.per_class_average_precision` on the rows repeated
    (one threshold per distinct score). Classes without a weighted positive are left out of
    that replicate's mean; a replicate with no class left is NaN.
    """
    scores = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(labels).astype(bool)
    weights = np.asarray(weights, dtype=np.float64)
    if scores.ndim != 2 or labels.shape != scores.shape or weights.ndim != 2 or \
            weights.shape[1] != scores.shape[0]:
        raise ValueError(f'weighted_map expects scores and labels (N, C) and weights (B, N); '
                         f'got {scores.shape}, {labels.shape} and {weights.shape}')
    ap = np.full((weights.shape[0], scores.shape[1]), np.nan)
    for c in np.flatnonzero(labels.any(axis=0)):
        order = np.argsort(-scores[:, c], kind='mergesort')
        ranked = scores[order, c]
        last_of_group = np.r_[np.flatnonzero(np.diff(ranked)), ranked.size - 1]
        w = weights[:, order]
        true_pos = np.cumsum(w * labels[order, c], axis=1)[:, last_of_group]
        counted = np.cumsum(w, axis=1)[:, last_of_group]
        positives = true_pos[:, -1:]
        with np.errstate(invalid='ignore', divide='ignore'):
            precision = np.where(counted > 0, true_pos / counted, 0.0)
            recall = true_pos / positives
        steps = np.diff(np.concatenate([np.zeros_like(positives), recall], axis=1), axis=1)
        ap[:, c] = np.where(positives[:, 0] > 0, np.sum(steps * precision, axis=1), np.nan)
    with np.errstate(invalid='ignore'):
        counts = (~np.isnan(ap)).sum(axis=1)
        return np.where(counts > 0, np.nansum(ap, axis=1) / np.maximum(counts, 1), np.nan)


def map_replicates(run: Dict[str, np.ndarray], draws: np.ndarray) -> np.ndarray:
    """mAP of one run on the full test split and on every draw: ``(B + 1,)`` fractions, the
    full split first (NaN where a draw holds no positive of any class).

    Args:
        run: ``scores`` (N, C), ``labels`` (N, C) and ``recording`` (N,) ints in [0, R): the
            test recording of each row (one row per recording for sequence-level mAP, one per
            frame for frame-level mAP).
        draws: (B, R) recording multiplicities (:func:`recording_draws`).
    """
    weights = np.concatenate([np.ones((1, run['scores'].shape[0])),
                              draws[:, run['recording']]])
    return weighted_map(run['scores'], run['labels'], weights)


def check_same_rows(run_a: Dict[str, np.ndarray], run_b: Dict[str, np.ndarray]) -> None:
    """Raise unless two runs were scored on the same test rows (equal labels)."""
    if run_a['labels'].shape != run_b['labels'].shape or \
            not np.array_equal(run_a['labels'], run_b['labels']):
        raise ValueError('paired_difference: the two runs were not scored on the same '
                         'test rows (their labels differ)')


def difference_interval(replicates_a: Sequence[np.ndarray], replicates_b: Sequence[np.ndarray],
                        confidence: float = 0.95) -> Dict[str, float]:
    """Mean over seeds of mAP(a) - mAP(b), in points, with its percentile interval, from each
    seed's :func:`map_replicates` (seed k of a paired with seed k of b, on the same draws).

    Returns:
        ``diff`` (on the full test split), ``low``, ``high`` and ``seeds``.
    """
    if len(replicates_a) != len(replicates_b) or not replicates_a:
        raise ValueError(f'paired_difference needs the same number (>= 1) of seeds on both '
                         f'sides, got {len(replicates_a)} and {len(replicates_b)}')
    diffs = np.stack([a - b for a, b in zip(replicates_a, replicates_b)])  # (seeds, B + 1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        replicates = np.nanmean(diffs[:, 1:], axis=0) * 100.0
    low, high = percentile_interval(replicates, confidence)
    return dict(diff=float(np.mean(diffs[:, 0])) * 100.0, low=low, high=high,
                seeds=len(replicates_a))


def paired_difference(runs_a: Sequence[Dict[str, np.ndarray]],
                      runs_b: Sequence[Dict[str, np.ndarray]], draws: np.ndarray,
                      confidence: float = 0.95) -> Dict[str, float]:
    """Mean over seeds of mAP(a) - mAP(b), in points, with its paired bootstrap interval.

    Args:
        runs_a, runs_b: one dict per seed (seed k of a paired with seed k of b), each as
            :func:`map_replicates` reads it; a and b of a seed must have the same rows' labels.
        draws: (B, R) recording multiplicities (:func:`recording_draws`).
        confidence: coverage of the percentile interval.

    Returns:
        ``diff`` (on the full test split), ``low``, ``high`` (percentile interval) and
        ``seeds``.
    """
    if len(runs_a) != len(runs_b) or not runs_a:
        raise ValueError(f'paired_difference needs the same number (>= 1) of seeds on both '
                         f'sides, got {len(runs_a)} and {len(runs_b)}')
    for a, b in zip(runs_a, runs_b):
        check_same_rows(a, b)
    return difference_interval([map_replicates(a, draws) for a in runs_a],
                               [map_replicates(b, draws) for b in runs_b], confidence)


def ratio_replicates(numerator: np.ndarray, denominator: np.ndarray,
                     draws: np.ndarray) -> np.ndarray:
    """A ratio of per-recording sums (e.g. mean JS over a recording's co-visible frames) on the
    full test split and on every draw: ``(B + 1,)``, the full split first.

    Args:
        numerator, denominator: (R,) per-recording sums (a statistic's total and its count).
        draws: (B, R) recording multiplicities.
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    weights = np.concatenate([np.ones((1, numerator.size)), np.asarray(draws, np.float64)])
    counted = weights @ denominator
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(counted > 0, (weights @ numerator) / counted, np.nan)


def percentile_interval(replicates: np.ndarray, confidence: float = 0.95) -> tuple:
    """``(low, high)`` percentile interval of bootstrap replicates, ignoring NaN ones."""
    tail = (1.0 - confidence) / 2 * 100.0
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', RuntimeWarning)
        low, high = np.nanpercentile(replicates, [tail, 100.0 - tail])
    return float(low), float(high)
