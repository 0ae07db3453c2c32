"""Frame-level F1 at calibrated thresholds for a run that has a training and a test split only.

The demo's synthetic set has no validation split (its configs validate on the test split), so
the thresholds of ``tools/calibrate.py`` have no held-out split to come from. Which frames
calibrate here, and why:

- not the test split as a whole: F1 at thresholds fitted on the frames it is measured on is
  optimistic (the F1-optimal threshold is chosen with the answers);
- not the training split: the models have fitted those recordings, so their scores are
  in-sample (positives score higher than on new recordings), and it would take one more pass
  of every model;
- **leave one recording out on the test predictions** (``test_predictions.pkl``): the frames of
  each test recording are decided with per-class F1-optimal thresholds
  (:mod:`mmvicokd.evaluation.calibration`) fitted on the *other* test recordings only. Every
  decision is made on frames the thresholds did not see, no model runs again, and the numbers
  estimate what a calibration split like the test split would give; the price is that the
  thresholds differ slightly from one recording to the next.
"""
from typing import Dict

import numpy as np

from ..evaluation.calibration import f1_precision_recall, leave_one_group_out_thresholds
from .predictions import RunPredictions

METHOD = ('leave-one-recording-out on the test split: each recording decided at per-class '
          'F1-optimal thresholds fitted on the other test recordings')


def cross_fitted_f1(predictions: RunPredictions) -> Dict[str, object]:
    """Macro frame F1 / precision / recall (percent) at leave-one-recording-out thresholds.

    Args:
        predictions: a run's test predictions (:func:`.predictions.load_predictions`), at least
            two recordings.

    Returns:
        ``dict(frame_F1, frame_precision, frame_recall, thresholds)``; ``thresholds`` maps each
        recording id to its (C,) thresholds (``inf``: never detected), fitted without it.
    """
    scores, labels = predictions.frame_scores, predictions.frame_labels
    rows = leave_one_group_out_thresholds(scores, labels, predictions.frame_recording)
    decided = f1_precision_recall(scores, labels, rows)
    first_rows = np.searchsorted(predictions.frame_recording, np.arange(len(predictions.ids)))
    return dict(frame_F1=decided['F1'] * 100.0, frame_precision=decided['precision'] * 100.0,
                frame_recall=decided['recall'] * 100.0,
                thresholds={name: rows[i] for name, i in zip(predictions.ids, first_rows)})
