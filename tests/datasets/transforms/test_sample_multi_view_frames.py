import numpy as np
import pytest

from mmvicokd.datasets.transforms import SampleMultiViewFrames


def _results(num_clip_frames=15, fps=2.5):
    return dict(recording_id='01/3-Part1', ann_file='/data/train.json', fps=fps,
                num_clip_frames=num_clip_frames)


def test_test_mode_takes_segment_centres_deterministically():
    sampler = SampleMultiViewFrames(clip_len=5, test_mode=True)
    first = sampler(_results())['frame_inds']
    np.testing.assert_array_equal(first, [1, 4, 7, 10, 13])  # floor((i + 0.5) * 3)
    np.testing.assert_array_equal(sampler(_results())['frame_inds'], first)
    assert first.dtype == np.int64


def test_train_mode_perturbs_within_segments():
    sampler = SampleMultiViewFrames(clip_len=5, test_mode=False)
    draws = []
    for seed in (0, 1, 0):
        np.random.seed(seed)
        draws.append(sampler(_results())['frame_inds'])
    assert not np.array_equal(draws[0], draws[1])
    np.testing.assert_array_equal(draws[0], draws[2])  # seeded, reproducible
    for inds in draws:
        assert np.all(inds // 3 == np.arange(5))  # segment i is frames 3i..3i+2


def test_clip_longer_than_recording_repeats_frames():
    out = SampleMultiViewFrames(clip_len=6, test_mode=True)(_results(num_clip_frames=3))
    np.testing.assert_array_equal(out['frame_inds'], [0, 0, 1, 1, 2, 2])
    assert out['clip_len'] == 6


def test_fps_mismatch_names_recording_and_file():
    with pytest.raises(ValueError) as err:
        SampleMultiViewFrames(clip_len=5, fps=5.0)(_results())
    assert '01/3-Part1' in str(err.value) and '/data/train.json' in str(err.value)


def test_repr():
    assert repr(SampleMultiViewFrames(clip_len=8, test_mode=True)) == \
        'SampleMultiViewFrames(clip_len=8, fps=2.5, test_mode=True)'
