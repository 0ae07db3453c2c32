"""Paired bootstrap of mAP differences: weighted AP against repeated rows and hand values."""
import numpy as np
import pytest

from mmvicokd.experiments.bootstrap import (paired_difference, percentile_interval, ratio_replicates,
                                            recording_draws, weighted_map)
from mmvicokd.evaluation.functional import multilabel_map


def test_weighted_map_by_hand():
    # one class, ranked 0.9 (pos), 0.8 (neg), 0.7 (pos): AP = 1/2 * 1 + 1/2 * 2/3
    scores = np.array([[0.9], [0.8], [0.7]])
    labels = np.array([[1], [0], [1]])
    assert weighted_map(scores, labels, np.ones((1, 3)))[0] == pytest.approx(5 / 6)
    # the negative drawn twice: precision at the last positive is 2/4
    assert weighted_map(scores, labels, np.array([[1.0, 2.0, 1.0]]))[0] == \
        pytest.approx(0.5 + 0.5 * 0.5)
    # the second positive not drawn: AP = 1
    assert weighted_map(scores, labels, np.array([[1.0, 1.0, 0.0]]))[0] == pytest.approx(1.0)


def test_integer_weights_equal_repeated_rows_with_ties():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 4, size=(12, 3)).astype(float)  # many ties
    labels = rng.integers(0, 2, size=(12, 3))
    labels[0] = 1
    weights = rng.integers(0, 3, size=(5, 12)).astype(float)
    weights[:, 0] = 1
    got = weighted_map(scores, labels, weights)
    for b in range(5):
        rows = np.repeat(np.arange(12), weights[b].astype(int))
        assert got[b] == pytest.approx(multilabel_map(scores[rows], labels[rows]))


def test_weighted_map_leaves_out_classes_without_a_drawn_positive():
    scores = np.array([[0.9, 0.1], [0.2, 0.8]])
    labels = np.array([[1, 0], [0, 1]])
    # row 1 (the only positive of class 1) not drawn: the mean is over class 0 alone
    assert weighted_map(scores, labels, np.array([[2.0, 0.0]]))[0] == pytest.approx(1.0)
    assert np.isnan(weighted_map(scores, np.zeros((2, 2)), np.ones((1, 2)))[0])


def test_recording_draws_are_multiplicities():
    draws = recording_draws(7, 50, seed=1)
    assert draws.shape == (50, 7) and (draws.sum(axis=1) == 7).all()
    assert np.array_equal(draws, recording_draws(7, 50, seed=1))


def _run(scores, labels):
    return dict(scores=np.asarray(scores, float), labels=np.asarray(labels),
                recording=np.arange(len(labels)))


def test_paired_difference_of_a_run_with_itself_is_zero():
    run = _run([[0.9], [0.2], [0.6], [0.4]], [[1], [0], [0], [1]])
    out = paired_difference([run, run], [run, run], recording_draws(4, 200))
    assert (out['diff'], out['low'], out['high'], out['seeds']) == (0.0, 0.0, 0.0, 2)


def test_paired_difference_by_hand_and_its_interval():
    labels = [[1], [0], [1], [0]]
    perfect = _run([[0.9], [0.1], [0.8], [0.2]], labels)     # AP 1
    # ranked pos 0.9, neg 0.8, neg 0.7, pos 0.6: AP = (1 + 2/4) / 2 = 0.75
    worse = _run([[0.9], [0.8], [0.6], [0.7]], labels)
    out = paired_difference([perfect], [worse], recording_draws(4, 500))
    assert out['diff'] == pytest.approx(25.0)
    # perfect never ranks below worse on any draw; a draw without recording 2 or without
    # both negatives ties them
    assert 0.0 <= out['low'] <= out['diff'] <= out['high'] <= 100.0
    # the seeds' mean on the same draws: a second seed where b is the perfect one cancels the
    # first on every draw
    out = paired_difference([perfect, worse], [worse, perfect], recording_draws(4, 500))
    assert (out['diff'], out['low'], out['high']) == (0.0, 0.0, 0.0)


def test_paired_difference_frames_follow_their_recording():
    # two recordings of two frames each; the draw takes recording 0 twice
    a = dict(scores=np.array([[0.9], [0.1], [0.2], [0.8]]), labels=np.array([[1], [0], [0], [1]]),
             recording=np.array([0, 0, 1, 1]))
    b = dict(a, scores=np.array([[0.1], [0.9], [0.2], [0.8]]))
    out = paired_difference([a], [b], np.array([[2.0, 0.0]]))
    # on recording 0 alone a is perfect (AP 1) and b ranks the negative first (AP 1/2)
    assert (out['low'], out['high']) == (pytest.approx(50.0), pytest.approx(50.0))


def test_paired_difference_refuses_runs_on_other_rows():
    with pytest.raises(ValueError, match='same test rows'):
        paired_difference([_run([[0.1], [0.2]], [[1], [0]])], [_run([[0.1], [0.2]], [[0], [1]])],
                          recording_draws(2, 3))
    with pytest.raises(ValueError, match='same number'):
        paired_difference([], [], recording_draws(2, 3))


def test_ratio_replicates_and_interval():
    # recording 0: JS total 0.3 over 3 frames, recording 1: 0.1 over 1 frame
    out = ratio_replicates(np.array([0.3, 0.1]), np.array([3.0, 1.0]),
                           np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0]]))
    assert out == pytest.approx([0.1, 0.1, 0.1, 0.1])
    out = ratio_replicates(np.array([0.3, 0.4]), np.array([3.0, 1.0]),
                           np.array([[2.0, 0.0], [0.0, 2.0]]))
    assert out == pytest.approx([0.7 / 4, 0.1, 0.4])
    assert np.isnan(ratio_replicates(np.array([1.0]), np.array([0.0]), np.ones((1, 1)))).all()
    assert percentile_interval(np.r_[np.arange(101.0), np.nan]) == pytest.approx((2.5, 97.5))
