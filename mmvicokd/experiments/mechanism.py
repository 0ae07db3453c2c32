"""What each distillation term acts on, measured from a run's test predictions (per recording).

The study document shows, per run, the quantities the terms of the paper target:

* ``js_covisible`` / ``js_other``: mean Jensen-Shannon divergence between two views' class
  distributions p_{i,t} (softmax over C of the per-view readings, Eq. 9) on the (pair, frame)
  entries where both views' human masks are set (what view consistency, Eq. 10, lowers) and
  on the others (which it leaves alone);
* ``kl_teacher``: mean per-frame KL(teacher ‖ student) of the fused frame distributions at
  the temperature tau (what logit distillation, Eq. 8, lowers, without its tau² factor);
* ``view_top1``: share of the (view, labelled frame) entries with the view's mask set whose
  per-view top-1 class is true (whether the readings VC compares mean anything);
* ``fd_attn``, ``fd_av``, ``adapter_cos``: the student's feature distances to its teacher
  (:mod:`.feature_gaps`), where they were measured.

Each is returned as per-recording sums ``(numerator (R,), denominator (R,))`` so that a
bootstrap over recordings can resample it (:func:`~mmvicokd.experiments.bootstrap.
ratio_replicates`). The dumps hold sigmoid scores; logits are recovered as log(p / (1 - p)),
with p clipped to [1e-6, 1 - 1e-6].
"""
from typing import Dict, Optional, Tuple

import numpy as np

from ..evaluation.view_readings import top1_hits, visible_view_rows
from .feature_gaps import GAPS
from .predictions import RunPredictions

Sums = Tuple[np.ndarray, np.ndarray]
EPS = 1e-6


def logits_of(probs: np.ndarray) -> np.ndarray:
    """Logits of sigmoid probabilities (clipped away from 0 and 1)."""
    probs = np.clip(np.asarray(probs, dtype=np.float64), EPS, 1.0 - EPS)
    return np.log(probs) - np.log1p(-probs)


def softmax(logits: np.ndarray, tau: float = 1.0) -> np.ndarray:
    """Softmax over the last axis of ``logits / tau``."""
    z = np.asarray(logits, dtype=np.float64) / tau
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def _kl(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    p, q = np.clip(p, 1e-12, None), np.clip(q, 1e-12, None)
    return np.sum(p * (np.log(p) - np.log(q)), axis=-1)


def js_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """JS(p, q) over the last axis (natural log; at most ln 2)."""
    mid = (p + q) / 2
    return 0.5 * _kl(p, mid) + 0.5 * _kl(q, mid)


def view_agreement(view_scores: np.ndarray, human_mask: np.ndarray) -> Tuple[float, ...]:
    """``(js sum, count)`` over co-visible (pair, frame) entries, then over the others.

    Args:
        view_scores: (V, T, C) per-view sigmoid scores of one recording.
        human_mask: (V, T) bool.
    """
    probs = softmax(logits_of(view_scores))
    first, second = np.triu_indices(probs.shape[0], k=1)
    js = js_divergence(probs[first], probs[second])  # (P, T)
    both = human_mask[first] & human_mask[second]
    return float(js[both].sum()), float(both.sum()), float(js[~both].sum()), \
        float((~both).sum())


def mechanism_sums(run: RunPredictions, teacher: Optional[RunPredictions] = None,
                   tau: float = 4.0) -> Dict[str, Sums]:
    """Per-recording sums of every statistic of the module docstring that ``run`` allows
    (``kl_teacher`` needs the teacher's predictions on the same recordings)."""
    num = len(run.ids)
    out: Dict[str, Sums] = {}
    if run.view_scores:
        agreement = np.array([view_agreement(v, m)
                              for v, m in zip(run.view_scores, run.human_masks)])
        out['js_covisible'] = (agreement[:, 0], agreement[:, 1])
        out['js_other'] = (agreement[:, 2], agreement[:, 3])
        top1 = np.zeros((num, 2))
        for r in range(num):
            frames = run.frame_labels[run.frame_recording == r]
            scores, labels = visible_view_rows(run.view_scores[r], frames, run.human_masks[r])
            top1[r] = top1_hits(scores, labels) if len(scores) else (0, 0)
        out['view_top1'] = (top1[:, 0] * 100.0, top1[:, 1])
    if teacher is not None:
        if teacher.ids != run.ids:
            raise ValueError(f'{teacher.source} and {run.source} hold different recordings')
        kl = np.zeros((num, 2))
        for r in range(num):
            student = softmax(logits_of(run.frames_of(r)), tau)
            target = softmax(logits_of(teacher.frames_of(r)), tau)
            kl[r] = _kl(target, student).sum(), student.shape[0]
        out['kl_teacher'] = (kl[:, 0], kl[:, 1])
    if run.feature_gaps is not None:
        for name in GAPS:
            sums = np.array([run.feature_gaps[rid][name] for rid in run.ids], dtype=np.float64)
            out[name] = (sums[:, 0], sums[:, 1])
    return out
