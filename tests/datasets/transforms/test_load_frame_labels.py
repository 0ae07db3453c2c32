import importlib

import numpy as np
import pytest

from mmvicokd.datasets.transforms import LoadFrameLabels

DRINK, EAT = 4, 5


def _results(tricks, frame_inds=(0, 1, 5, 8, 14), duration=6.0):
    return dict(recording_id='Home1/01/3-Part1', ann_file='/data/train.json',
                filenames=['/data/Home1/01/3-View1-Part1.mp4'], tricks=tricks, num_classes=16,
                fps=2.5, duration=duration, num_clip_frames=15,
                frame_inds=np.asarray(frame_inds, dtype=np.int64))


def test_labels_at_the_sampled_frames():
    tricks = [dict(start=0.5, end=2.0, labels=[DRINK]),  # grid rows 1..5
              dict(start=3.0, end=5.2, labels=[EAT, DRINK])]  # rows round(7.5)=8 .. 13
    label = LoadFrameLabels()(_results(tricks))['frame_label']
    assert label.shape == (5, 16) and label.dtype == np.float32
    expected = np.zeros((5, 16), dtype=np.float32)
    expected[[1, 2, 3], DRINK] = 1  # frames 1, 5, 8
    expected[3, EAT] = 1  # frame 8
    np.testing.assert_array_equal(label, expected)


@pytest.mark.parametrize('end', [6.8, 9.0])  # 0.8 s and 3 s past the 6-s video
def test_end_past_the_video_is_clipped_and_logged_once(end, monkeypatch):
    logged = []
    monkeypatch.setattr(importlib.import_module(LoadFrameLabels.__module__), 'print_log',
                        lambda msg, **kw: logged.append(msg))
    tricks = [dict(start=5.0, end=end, labels=[EAT])]  # rows 12 .. round(2.5 end), cut at 14
    transform = LoadFrameLabels()
    label = transform(_results(tricks, frame_inds=range(15)))['frame_label']
    np.testing.assert_array_equal(np.flatnonzero(label[:, EAT]), [12, 13, 14])
    transform(_results(tricks, frame_inds=range(15)))
    assert len(logged) == 1 and 'Home1/01/3-Part1' in logged[0]
    assert f'up to {end - 6.0:.2f} s past' in logged[0] and 'clipped to the video' in logged[0]


@pytest.mark.parametrize('start, end', [(6.0, 6.9), (6.5, 9.0)])
def test_trick_entirely_outside_the_video_names_recording_and_file(start, end):
    with pytest.raises(ValueError, match='outside the video') as err:
        LoadFrameLabels()(_results([dict(start=start, end=end, labels=[EAT])]))
    assert 'Home1/01/3-Part1' in str(err.value) and '/data/train.json' in str(err.value)
