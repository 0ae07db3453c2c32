"""Frame F1 at leave-one-recording-out thresholds, by hand."""
import numpy as np
import pytest

from mmvicokd.experiments.cross_fitted_f1 import cross_fitted_f1
from mmvicokd.experiments.predictions import RunPredictions


def test_each_recording_decided_at_thresholds_fitted_on_the_others():
    frame_scores = np.array([[0.9], [0.3], [0.8], [0.2], [0.6]])
    frame_labels = np.array([[1], [0], [1], [0], [0]])
    predictions = RunPredictions(
        ids=['r0', 'r1', 'r2'], seq_scores=np.zeros((3, 1)), seq_labels=np.zeros((3, 1)),
        frame_scores=frame_scores, frame_labels=frame_labels,
        frame_recording=np.array([0, 0, 1, 1, 2]), view_scores=[], human_masks=[],
        source='hand-made')
    out = cross_fitted_f1(predictions)
    # r0 at .8 (fitted on r1, r2): .9 hit; r1 at .9 (fitted on r0, r2): .8 missed;
    # r2 at .8: .6 rejected  ->  TP 1, FP 0, FN 1
    assert {k: float(v[0]) for k, v in out['thresholds'].items()} == \
        dict(r0=0.8, r1=0.9, r2=0.8)
    assert out['frame_precision'] == pytest.approx(100.0)
    assert out['frame_recall'] == pytest.approx(50.0)
    assert out['frame_F1'] == pytest.approx(100 * 2 / 3)
