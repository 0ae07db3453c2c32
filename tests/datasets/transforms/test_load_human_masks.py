import numpy as np
import pytest

from mmvicokd.datasets.transforms import LoadHumanMasks


def _results(**extra):
    return dict(recording_id='Home1/01/3-Part1', ann_file='/data/train.json',
                frame_inds=np.array([0, 2, 3, 6]), **extra)


def test_mask_at_the_sampled_frames():
    scores = np.array([[0.1, 0.9, 0.3, 0.2], [0.25, 0.0, 0.0, 0.8]], dtype=np.float32)
    mask = LoadHumanMasks(threshold=0.25)(_results(human_mask_scores=scores))['human_mask']
    # frames 0, 2, 3 and 6 (clipped to the last score column, 3)
    np.testing.assert_array_equal(mask, [[False, True, False, False],
                                         [True, False, True, True]])
    assert mask.dtype == np.bool_


def test_threshold_is_configurable():
    scores = np.full((1, 4), 0.4, dtype=np.float32)
    assert not LoadHumanMasks(threshold=0.5)(_results(human_mask_scores=scores))[
        'human_mask'].any()


def test_absent_scores_name_recording_and_file():
    with pytest.raises(ValueError, match='human_mask_file') as err:
        LoadHumanMasks()(_results())
    assert 'Home1/01/3-Part1' in str(err.value) and '/data/train.json' in str(err.value)


def test_repr():
    assert repr(LoadHumanMasks()) == 'LoadHumanMasks(threshold=0.25, length_tolerance=0)'
