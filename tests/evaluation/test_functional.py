"""Multi-label mAP against hand-worked rankings."""
import math

import numpy as np
import pytest

from mmvicokd.evaluation.functional import (average_precision, multilabel_map,
                                            per_class_average_precision)


def test_ap_of_a_plain_ranking():
    # ranks: + (P=1, R=1/2), - , + (P=2/3, R=1), -  ->  1/2 * 1 + 1/2 * 2/3
    assert average_precision([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]) == pytest.approx(5 / 6)


def test_ap_perfect_and_worst_rankings():
    assert average_precision([0.9, 0.8, 0.1], [1, 1, 0]) == pytest.approx(1.0)
    # one positive ranked last of 4: P = 1/4 at R = 1
    assert average_precision([0.9, 0.8, 0.7, 0.1], [0, 0, 0, 1]) == pytest.approx(0.25)


@pytest.mark.parametrize('labels', [[0, 1, 0, 1], [0, 0, 1, 1]])
def test_ap_ties_form_one_threshold_whatever_the_order(labels):
    # thresholds 0.9 (tp 0), 0.5 (tp 1 of 3 -> P 1/3, R 1/2), 0.1 (tp 2 of 4 -> P 1/2, R 1)
    # AP = 1/2 * 1/3 + 1/2 * 1/2 = 5/12 (ranking the tied positive first would give 1/2)
    assert average_precision([0.9, 0.5, 0.5, 0.1], labels) == pytest.approx(5 / 12)


def test_ap_all_tied_is_the_positive_rate():
    assert average_precision([0.5] * 6, [1, 0, 0, 0, 0, 0]) == pytest.approx(1 / 6)


def test_class_without_positive_is_left_out_and_counted():
    scores = np.array([[0.9, 0.9, 0.3], [0.8, 0.5, 0.2], [0.7, 0.5, 0.9], [0.6, 0.1, 0.1]])
    labels = np.array([[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 0]])
    ap, num_left_out = per_class_average_precision(scores, labels)
    assert num_left_out == 1
    assert ap[0] == pytest.approx(5 / 6)
    assert ap[1] == pytest.approx(5 / 12)
    assert math.isnan(ap[2])
    assert multilabel_map(scores, labels) == pytest.approx((5 / 6 + 5 / 12) / 2)


def test_map_matches_sklearn_on_random_tied_scores():
    sklearn_metrics = pytest.importorskip('sklearn.metrics')
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 4, size=(40, 5)) / 3.0
    labels = rng.integers(0, 2, size=(40, 5))
    expected = sklearn_metrics.average_precision_score(labels, scores, average='macro')
    assert multilabel_map(scores, labels) == pytest.approx(expected)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match='one shape'):
        multilabel_map(np.zeros((3, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match='binary'):
        multilabel_map(np.zeros((2, 2)), np.array([[0, 2], [1, 0]]))
    with pytest.raises(ValueError, match='non-finite'):
        multilabel_map(np.array([[np.nan], [0.0]]), np.array([[1], [0]]))
    with pytest.raises(ValueError, match='none of the 2 classes'):
        multilabel_map(np.ones((3, 2)), np.zeros((3, 2)))
