"""Per-class F1-optimal thresholds and F1 / precision / recall at thresholds, by hand."""
import math

import numpy as np
import pytest

from mmvicokd.evaluation.calibration import (check_thresholds, decision_counts,
                                             f1_optimal_threshold, f1_optimal_thresholds,
                                             f1_precision_recall,
                                             leave_one_group_out_thresholds)


def test_threshold_of_the_docstring_example():
    # t=.9: TP 1 FP 0 -> 2/3; t=.8: 1, 1 -> 1/2; t=.7: 2, 1 -> 4/5; t=.6: 2, 2 -> 2/3
    assert f1_optimal_threshold([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]) == 0.7


def test_equal_f1_goes_to_the_highest_threshold():
    # t=.9: TP 1 of 1 detected -> 2/3; t=.6: TP 2 of 4 detected -> 4/6 = 2/3: a tie
    assert f1_optimal_threshold([0.9, 0.8, 0.7, 0.6], [1, 0, 0, 1]) == 0.9


@pytest.mark.parametrize('labels', [[1, 1, 0, 0], [1, 0, 1, 0]])
def test_equal_scores_enter_together_whatever_the_order(labels):
    # t=.9: 2/3; t=.5 (both .5 frames): TP 2 of 3 -> 4/5; t=.1: TP 2 of 4 -> 2/3
    assert f1_optimal_threshold([0.9, 0.5, 0.5, 0.1], labels) == 0.5


def test_a_class_without_positives_is_never_detected():
    assert f1_optimal_threshold([0.9, 0.2], [0, 0]) == math.inf
    scores = np.array([[0.9, 0.9], [0.8, 0.2], [0.1, 0.7]])
    labels = np.array([[1, 0], [0, 0], [1, 0]])
    # class 0: t=.9 -> 2/3, t=.8 -> 2/4, t=.1 -> 4/5
    np.testing.assert_array_equal(f1_optimal_thresholds(scores, labels), [0.1, math.inf])
    tp, fp, fn = decision_counts(scores, labels, [0.1, math.inf])
    np.testing.assert_array_equal([tp, fp, fn], [[2, 0], [1, 0], [0, 0]])


def test_f1_precision_recall_at_given_thresholds():
    scores = np.array([[0.9, 0.8, 0.3, 0.5], [0.4, 0.7, 0.9, 0.5],
                       [0.6, 0.2, 0.1, 0.5], [0.1, 0.9, 0.2, 0.5]])
    labels = np.array([[1, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    # class 0 at .5: detects .9(+) .6(-): TP 1 FP 1 FN 1 -> P 1/2, R 1/2, F1 1/2
    # class 1 at .7: detects .8(+) .7(-) .9(-): TP 1 FP 2 FN 0 -> P 1/3, R 1, F1 1/2
    # class 2 never: TP 0 FN 1 -> P 0, R 0, F1 0;  class 3: no positive, left out
    out = f1_precision_recall(scores, labels, [0.5, 0.7, math.inf, 0.5])
    assert out['classes'] == 3
    assert out['F1'] == pytest.approx((1 / 2 + 1 / 2 + 0) / 3)
    assert out['precision'] == pytest.approx((1 / 2 + 1 / 3 + 0) / 3)
    assert out['recall'] == pytest.approx((1 / 2 + 1 + 0) / 3)
    with pytest.raises(ValueError, match='none of the 4 classes has a positive'):
        f1_precision_recall(scores, np.zeros_like(labels), [0.5] * 4)


def test_leave_one_group_out_fits_each_group_on_the_others():
    scores = np.array([[0.9], [0.3], [0.8], [0.2], [0.6]])
    labels = np.array([[1], [0], [1], [0], [0]])
    groups = np.array([0, 0, 1, 1, 2])
    # without group 0: .8(+) .2(-) .6(-) -> t=.8 (F1 1); without 1: .9(+) .3 .6 -> .9;
    # without 2: .9(+) .3 .8(+) .2 -> .8 (F1 1)
    np.testing.assert_array_equal(leave_one_group_out_thresholds(scores, labels, groups)[:, 0],
                                  [0.8, 0.8, 0.9, 0.9, 0.8])
    with pytest.raises(ValueError, match='at least two groups'):
        leave_one_group_out_thresholds(scores, labels, np.zeros(5))


def test_thresholds_checked():
    np.testing.assert_array_equal(check_thresholds([0.5, None], 2, 'x'), [0.5, math.inf])
    with pytest.raises(ValueError, match='x: 1 thresholds for 2 classes'):
        check_thresholds([0.5], 2, 'x')
    with pytest.raises(ValueError, match='hold NaN'):
        check_thresholds([0.5, float('nan')], 2, 'x')
    with pytest.raises(ValueError, match='threshold calibration expects binary labels'):
        f1_optimal_thresholds([[0.5]], [[2]])
