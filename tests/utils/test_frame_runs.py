"""Runs of True frames."""
from mmvicokd.utils.frame_runs import frame_runs


def test_frame_runs():
    assert frame_runs([0, 1, 1, 0, 1]) == [(1, 2), (4, 4)]
    assert frame_runs([True, True]) == [(0, 1)]
    assert frame_runs([0, 0]) == []
