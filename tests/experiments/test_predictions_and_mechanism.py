"""Test predictions read from a DumpResults pickle, and the mechanism statistics by hand."""
import math

import numpy as np
import pytest
import torch
from mmengine.fileio import dump

from mmvicokd.experiments.mechanism import (js_divergence, logits_of, mechanism_sums, softmax,
                                            view_agreement)
from mmvicokd.experiments.predictions import load_predictions


def sample(rid, seq, frames, labels, views=None, mask=None):
    """One data sample as DumpResults stores it (a dict of CPU tensors)."""
    out = dict(recording_id=rid, pred_score=torch.tensor(seq), gt_label=torch.tensor(labels[0]),
               pred_frame_score=torch.tensor(frames), frame_label=torch.tensor(labels[1]))
    if views is not None:
        out.update(pred_view_frame_score=torch.tensor(views), human_mask=torch.tensor(mask))
    return out


def test_load_predictions_orders_recordings_by_id(tmp_path):
    path = str(tmp_path / 'p.pkl')
    dump([sample('b', [0.1, 0.9], [[0.2, 0.8]], ([0, 1], [[0, 1]])),
          sample('a', [0.7, 0.3], [[0.6, 0.4], [0.1, 0.2]], ([1, 0], [[1, 0], [0, 0]]))], path)
    run = load_predictions(path)
    assert run.ids == ['a', 'b'] and run.view_scores == []
    assert np.allclose(run.seq_scores, [[0.7, 0.3], [0.1, 0.9]])
    assert run.frame_recording.tolist() == [0, 0, 1]
    assert run.level('frame')['labels'].tolist() == [[1, 0], [0, 0], [0, 1]]
    assert np.allclose(run.frames_of(1), [[0.2, 0.8]])


def test_load_predictions_errors_name_the_file_and_recording(tmp_path):
    with pytest.raises(FileNotFoundError, match='--dump'):
        load_predictions(str(tmp_path / 'missing.pkl'))
    path = str(tmp_path / 'p.pkl')
    one = sample('a', [0.7], [[0.6]], ([1], [[1]]))
    dump([one, one], path)
    with pytest.raises(ValueError, match="'a' appears twice"):
        load_predictions(path)
    del one['gt_label']
    dump([one], path)
    with pytest.raises(KeyError, match=r"recording 'a'.*p\.pkl"):
        load_predictions(path)


def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, float)))


def test_js_and_view_agreement_by_hand():
    p, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    # JS = 1/2 KL(p||m) + 1/2 KL(q||m), m = (3/4, 1/4)
    expected = 0.5 * math.log(4 / 3) + 0.5 * (0.5 * math.log(2 / 3) + 0.5 * math.log(2))
    assert js_divergence(p, q) == pytest.approx(expected, abs=1e-9)
    # three views, two frames, two classes; logits: views 0 and 1 agree, view 2 differs
    logits = np.array([[[2.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, 0.0]],
                       [[0.0, 2.0], [0.0, 0.0]]])
    mask = np.array([[True, True], [True, False], [False, True]])
    js_sum, covisible, other_sum, other = view_agreement(sigmoid(logits), mask)
    # co-visible: (0,1) at t=0 (JS 0), (0,2) at t=1 (JS 0): pairs x frames = 6, 2 co-visible
    assert (covisible, other) == (2.0, 4.0) and js_sum == pytest.approx(0.0, abs=1e-9)
    a, b = softmax([2.0, 0.0]), softmax([0.0, 2.0])
    assert other_sum == pytest.approx(2 * js_divergence(a, b), rel=1e-5)  # (0,2),(1,2) at t=0


def test_mechanism_sums_kl_to_teacher_and_view_top1(tmp_path):
    teacher_frames, student_frames = [[2.0, -1.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 1.0]]
    views = sigmoid([[[1.0, 0.0], [0.0, 3.0]], [[0.0, 1.0], [0.0, 3.0]]])  # (V=2, T=2, C=2)
    mask = np.array([[True, True], [True, False]])
    labels = ([1, 1], [[1, 0], [0, 1]])
    paths = {}
    for name, frames in (('teacher', teacher_frames), ('student', student_frames)):
        paths[name] = str(tmp_path / f'{name}.pkl')
        dump([sample('r', [0.5, 0.5], sigmoid(frames).tolist(), labels, views.tolist(),
                     mask.tolist())], paths[name])
    student, teacher = load_predictions(paths['student']), load_predictions(paths['teacher'])
    sums = mechanism_sums(student, teacher, tau=2.0)
    kl = sum(float(np.sum(t * np.log(t / s))) for t, s in
             ((softmax(np.array(tf) / 2), softmax(np.array(sf) / 2))
              for tf, sf in zip(teacher_frames, student_frames)))
    assert sums['kl_teacher'][0][0] == pytest.approx(kl, rel=1e-4)
    assert sums['kl_teacher'][1][0] == 2
    # visible (view, frame): (0,0) top-1 class 0 true, (0,1) class 1 true, (1,0) class 1 false
    assert (sums['view_top1'][0][0], sums['view_top1'][1][0]) == (pytest.approx(200.0), 3)
    assert np.allclose(logits_of(sigmoid([3.0, -2.0])), [3.0, -2.0], atol=1e-6)
