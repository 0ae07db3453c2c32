"""The timeline's artists: detections against each class's threshold, the ground truth."""
import math

import numpy as np
import pytest

from mmvicokd.visualization.timeline import (RATIO_CAP, outcome_codes, threshold_ratio,
                                             timeline_figure)

TIMES = np.arange(6) / 2.5
# class a: frames 1-2 at or above .5; class b: frame 5 at or above .2; class c: never
SCORES = np.array([[0.1, 0.1, 0.9], [0.5, 0.1, 0.9], [0.8, 0.1, 0.9],
                   [0.2, 0.1, 0.9], [0.1, 0.1, 0.9], [0.3, 0.2, 0.9]])
THRESHOLDS = np.array([0.5, 0.2, math.inf])
# a labelled on frames 2-3 (one hit, one miss, one false alarm); c on frame 0 (a miss)
TRUTH = np.zeros((6, 3))
TRUTH[2:4, 0] = 1
TRUTH[0, 2] = 1


def _boxes(ax, gid):
    """(first frame, last frame, class row) of the outlined runs with ``gid``."""
    step = TIMES[1] - TIMES[0]
    return sorted((round((p.get_x() + step / 2) / step),
                   round((p.get_x() + p.get_width() - step / 2) / step),
                   round(p.get_y() + p.get_height() / 2))
                  for p in ax.patches if p.get_gid() == gid)


def test_timeline_draws_decisions_and_ground_truth():
    fig = timeline_figure(TIMES, SCORES, SCORES.max(0), list('abc'), 'rec',
                          thresholds=THRESHOLDS, truth=TRUTH)
    scores_ax, truth_ax = fig.axes[:2]
    assert _boxes(scores_ax, 'detection') == [(1, 2, 0), (5, 5, 1)]
    assert _boxes(truth_ax, 'truth') == [(0, 0, 2), (2, 3, 0)]
    ratio = scores_ax.images[0].get_array()
    np.testing.assert_allclose(ratio[0], SCORES[:, 0] / 0.5)
    assert ratio.mask[2].all()  # never detected: no scale, drawn grey
    codes = truth_ax.images[0].get_array()  # 1 hit, 2 miss, 3 false alarm
    np.testing.assert_array_equal(codes[0], [0, 3, 1, 2, 0, 0])
    np.testing.assert_array_equal(codes[2], [2, 0, 0, 0, 0, 0])
    assert 'in frames: hit 1, miss 2, false alarm 2' in truth_ax.get_title()
    assert [t.get_text() for t in truth_ax.get_legend().get_texts()] == \
        ['hit', 'miss', 'false alarm']
    assert fig.axes[2].get_ylabel().startswith('score / class threshold')
    assert 'thr never' in scores_ax.get_yticklabels()[2].get_text()


def test_timeline_without_thresholds_shows_ranks_and_the_labels():
    fig = timeline_figure(TIMES, SCORES, SCORES.max(0), list('abc'), 'rec', truth=TRUTH)
    scores_ax, truth_ax = fig.axes[:2]
    assert not [p for p in scores_ax.patches if p.get_gid() == 'detection']
    assert _boxes(truth_ax, 'truth') == [(0, 0, 2), (2, 3, 0)]
    np.testing.assert_array_equal(truth_ax.images[0].get_array(), outcome_codes(None, TRUTH).T)
    assert 'not a probability' in fig.axes[2].get_ylabel()
    assert len(timeline_figure(TIMES, SCORES, SCORES.max(0), list('abc'), 'rec').axes) == 2
    with pytest.raises(ValueError, match='do not match'):
        timeline_figure(TIMES, SCORES, SCORES.max(0), list('abc'), 'rec', truth=TRUTH[:5])


def test_threshold_ratio_caps():
    np.testing.assert_allclose(threshold_ratio(np.array([[0.9, 0.3, 0.4]]),
                                               np.array([0.3, 0.0, math.inf])),
                               [[RATIO_CAP, RATIO_CAP, np.nan]])
