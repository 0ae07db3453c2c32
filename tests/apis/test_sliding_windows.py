"""Sliding windows cover every grid frame; pooling of window scores."""
import numpy as np
import pytest

from mmvicokd.apis.sliding_windows import (average_frame_scores, pool_sequence_scores,
                                           window_indices)
from mmvicokd.datasets.functional import sample_frame_indices


@pytest.mark.parametrize('num_frames,clip_len,stride', [
    (150, 70, 35), (150, 70, 70), (71, 70, 35), (25, 8, 3), (9, 8, 100), (8, 8, 4)])
def test_windows_cover_every_frame(num_frames, clip_len, stride):
    windows = window_indices(num_frames, clip_len, stride)
    assert windows.shape[1] == clip_len
    assert set(windows.ravel()) == set(range(num_frames))
    assert windows.min() == 0 and windows.max() == num_frames - 1
    if num_frames > clip_len:
        assert (np.diff(windows, axis=1) == 1).all()  # consecutive grid frames
        assert (np.diff(windows[:-1, 0]) == stride).all()


def test_window_starts_and_short_recordings():
    np.testing.assert_array_equal(window_indices(150, 70, 35)[:, 0], [0, 35, 70, 80])
    short = window_indices(5, 8, 4)
    np.testing.assert_array_equal(short, [sample_frame_indices(5, 8, test_mode=True)])
    np.testing.assert_array_equal(short, [[0, 0, 1, 2, 2, 3, 4, 4]])
    with pytest.raises(ValueError, match='>= 1'):
        window_indices(0, 8, 4)


def test_pooling():
    windows = np.array([[0, 1, 2], [2, 3, 4]])
    scores = np.zeros((2, 3, 2))
    scores[0, :, 0] = 1.0       # window 0 says class 0 everywhere
    scores[1, :, 1] = 0.5       # window 1 says class 1 at half
    frame = average_frame_scores(windows, scores, 5)
    np.testing.assert_allclose(frame[:, 0], [1, 1, 0.5, 0, 0])
    np.testing.assert_allclose(frame[:, 1], [0, 0, 0.25, 0.5, 0.5])
    repeated = average_frame_scores(np.array([[0, 0, 1]]), np.array([[[0.2], [0.4], [1.0]]]), 2)
    np.testing.assert_allclose(repeated[:, 0], [0.3, 1.0])
    with pytest.raises(ValueError, match=r'frames \[5\] are in no window'):
        average_frame_scores(windows, scores, 6)
    np.testing.assert_allclose(pool_sequence_scores([[0.1, 0.9], [0.7, 0.2]]), [0.7, 0.9])
