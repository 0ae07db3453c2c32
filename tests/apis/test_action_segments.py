"""Detected segments: runs of frames at or above a class's threshold."""
import math

import numpy as np
import pytest

from mmvicokd.apis.action_segments import detected_segments


def test_segments_by_start_then_class():
    times = [0.0, 0.4, 0.8, 1.2]
    scores = np.array([[0.2, 0.9, 0.9], [0.6, 0.9, 0.9], [0.7, 0.1, 0.9], [0.5, 0.8, 0.9]])
    # a at .5: frames 1-3 (peak .7); b at .8: frames 0-1 and 3; c: never
    assert detected_segments(times, scores, np.array([0.5, 0.8, math.inf]), 'abc') == [
        dict(label='b', start=0.0, end=0.4, peak=0.9),
        dict(label='a', start=0.4, end=1.2, peak=0.7),
        dict(label='b', start=1.2, end=1.2, peak=0.8)]
    with pytest.raises(ValueError, match='disagree'):
        detected_segments(times[:3], scores, np.zeros(3), 'abc')
