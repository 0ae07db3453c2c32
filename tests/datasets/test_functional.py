"""Label and index maths, against hand-computed values."""
import numpy as np
import pytest

from mmvicokd.datasets import functional as F


class FixedRng:
    """Stands in for a numpy Generator: ``random(n)`` returns fixed offsets."""

    def __init__(self, values):
        self.values = np.asarray(values, dtype=np.float64)

    def random(self, n):
        assert n == len(self.values)
        return self.values


def test_recording_id_from_url():
    assert F.recording_id_from_url('01/3-View1-Part1.mp4') == '01/3-Part1'
    assert F.recording_id_from_url('Home1/01/12-View1-Part2.mp4') == 'Home1/01/12-Part2'
    assert F.recording_id_from_url('Home1/02/7-View1.mp4') == 'Home1/02/7'
    # -View10 is another view's token, not View1's
    assert F.recording_id_from_url('x/5-View10-Part1.mp4') == 'x/5-View10-Part1'


def test_sequence_label_is_union_of_tricks():
    label = F.sequence_label([[4], [5, 4], []], num_classes=16)
    expected = np.zeros(16, dtype=np.float32)
    expected[[4, 5]] = 1
    assert label.dtype == np.float32
    np.testing.assert_array_equal(label, expected)
    np.testing.assert_array_equal(F.sequence_label([], 3), np.zeros(3))


def test_frame_labels_hand_computed():
    tricks = [
        dict(start=0.5, end=2.0, labels=[0]),   # round(1.25)=1 .. round(5.0)=5 -> rows 1..5
        dict(start=3.0, end=5.2, labels=[1, 2]),  # round(7.5)=8 (half to even) .. 13
        dict(start=0.2, end=0.6, labels=[2]),   # round(0.5)=0 .. round(1.5)=2 -> rows 0..2
    ]
    label = F.frame_labels(tricks, num_frames=15, num_classes=3, fps=2.5)
    assert label.shape == (15, 3) and label.dtype == np.float32
    np.testing.assert_array_equal(np.flatnonzero(label[:, 0]), [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(np.flatnonzero(label[:, 1]), [8, 9, 10, 11, 12, 13])
    np.testing.assert_array_equal(np.flatnonzero(label[:, 2]),
                                  [0, 1, 2, 8, 9, 10, 11, 12, 13])


def test_frame_labels_clipped_to_clip():
    tricks = [dict(start=-1.0, end=0.0, labels=[0]),  # round(-2.5)=-2 -> clipped to 0..0
              dict(start=5.0, end=7.0, labels=[1]),   # 12 .. round(17.5)=18 -> clipped at 14
              dict(start=9.0, end=9.5, labels=[0])]   # wholly past the end: nothing
    label = F.frame_labels(tricks, num_frames=15, num_classes=2, fps=2.5)
    np.testing.assert_array_equal(np.flatnonzero(label[:, 0]), [0])
    np.testing.assert_array_equal(np.flatnonzero(label[:, 1]), [12, 13, 14])


def test_trick_frame_span():
    assert F.trick_frame_span(0.5, 2.0, 2.5) == (1, 6)
    assert F.trick_frame_span(1.0, 1.4, 2.5) == (2, 5)  # round(3.5)=4 -> rows 2..4


def test_num_clip_frames():
    assert F.num_clip_frames(6.0, 2.5) == 15
    assert F.num_clip_frames(5.99, 2.5) == 14
    assert F.num_clip_frames(5.9999999, 2.5) == 15  # float noise of a 6 s file
    assert F.num_clip_frames(0.1, 2.5) == 1


def test_sample_frame_indices_test_mode_is_segment_centres():
    np.testing.assert_array_equal(F.sample_frame_indices(15, 5, True), [1, 4, 7, 10, 13])
    np.testing.assert_array_equal(F.sample_frame_indices(10, 4, True), [1, 3, 6, 8])
    # shorter recording than clip: frames repeat
    np.testing.assert_array_equal(F.sample_frame_indices(3, 6, True), [0, 0, 1, 1, 2, 2])
    assert F.sample_frame_indices(15, 5, True).dtype == np.int64


def test_sample_frame_indices_train_mode_offsets():
    # floor((i + o_i) * 3): 0, floor(5.997)=5, floor(7.5)=7, floor(10.02)=10, floor(14.01)=14
    rng = FixedRng([0.0, 0.999, 0.5, 0.34, 0.67])
    np.testing.assert_array_equal(F.sample_frame_indices(15, 5, False, rng), [0, 5, 7, 10, 14])


def test_sample_frame_indices_train_mode_stays_in_segments():
    rng = np.random.default_rng(3)
    for _ in range(50):
        inds = F.sample_frame_indices(17, 5, False, rng)
        bounds = np.arange(6) * 17 / 5
        assert np.all(inds >= np.floor(bounds[:-1])) and np.all(inds < bounds[1:])


def test_sample_frame_indices_rejects_empty():
    with pytest.raises(ValueError, match='>= 1'):
        F.sample_frame_indices(0, 5, True)


def test_video_frame_indices():
    np.testing.assert_array_equal(F.video_frame_indices([0, 1, 2, 14], 2.5, 10.0, 60),
                                  [0, 4, 8, 56])
    np.testing.assert_array_equal(F.video_frame_indices([0, 14], 2.5, 15.0, 60), [0, 59])
    # i * 2.5: 0, 2.5 -> 2, 5, 7.5 -> 8 (half to even)
    np.testing.assert_array_equal(F.video_frame_indices([0, 1, 2, 3], 2.5, 6.25, 100),
                                  [0, 2, 5, 8])


def test_slice_fbank_windows():
    fbank = np.arange(20, dtype=np.float32).reshape(10, 2)
    # starts: round(i / 2.5 * 10) = 0, 4, 12 (past the end), 8 (partly past)
    out = F.slice_fbank_windows(fbank, np.array([0, 1, 3, 2]), fps=2.5, window_frames=3,
                                frames_per_second=10)
    assert out.shape == (4, 3, 2) and out.dtype == np.float32
    np.testing.assert_array_equal(out[0], fbank[0:3])
    np.testing.assert_array_equal(out[1], fbank[4:7])
    np.testing.assert_array_equal(out[2], np.zeros((3, 2)))
    np.testing.assert_array_equal(out[3], [[16, 17], [18, 19], [0, 0]])


def test_human_mask_at():
    scores = np.array([[0.1, 0.3, 0.25], [0.9, 0.0, 0.5]])
    mask = F.human_mask_at(scores, np.array([0, 2, 5]), threshold=0.25)  # 5 clipped to 2
    assert mask.dtype == np.bool_
    np.testing.assert_array_equal(mask, [[False, True, True], [True, True, True]])


def test_multi_view_timing_takes_the_shortest_view():
    # views: 60 frames at 10 fps (6 s), 149 frames at 25 fps (5.96 s), 61 at 10 fps (6.1 s)
    timing = F.multi_view_timing([60, 149, 61], [10, 25.0, 10], fps=2.5)
    assert timing['total_frames'] == 60 and timing['avg_fps'] == [10.0, 25.0, 10.0]
    assert timing['duration'] == pytest.approx(5.96)
    assert timing['num_clip_frames'] == 14  # floor(5.96 * 2.5) = floor(14.9)
