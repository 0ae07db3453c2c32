"""ViewReadingMetric on a hand-computed case, and its clear errors."""
import numpy as np
import pytest
import torch

import mmvicokd  # noqa: F401  (registers the metric)
from mmaction.registry import METRICS
from mmvicokd.evaluation.view_readings import top1_hits, visible_view_rows


def sample(**overrides):
    # V = 2 views, T = 3 frames, C = 3 classes; frame 2 is unlabelled
    view = torch.tensor([[[0.9, 0.1, 0.2], [0.8, 0.3, 0.7], [0.5, 0.6, 0.1]],
                         [[0.99, 0.99, 0.99], [0.1, 0.4, 0.95], [0.99, 0.99, 0.99]]])
    out = dict(recording_id='01/1-Part1', pred_view_frame_score=view,
               pred_frame_score=torch.tensor([[0.2, 0.9, 0.1], [0.1, 0.8, 0.3],
                                              [0.9, 0.0, 0.0]]),
               frame_label=torch.tensor([[1., 0, 0], [0, 1, 1], [0, 0, 0]]),
               human_mask=torch.tensor([[True, True, True], [False, True, False]]))
    out.update(overrides)
    return out


def test_hand_computed_case():
    metric = METRICS.build(dict(type='ViewReadingMetric'))
    metric.process({}, [sample()])
    result = metric.compute_metrics(metric.results)
    # view 1 (index 0) sees frames 0, 1 (labelled): top-1 class 0 at both, true at frame 0 only
    assert result['view1_top1'] == pytest.approx(50.0)
    # view 2 sees frame 1 only: top-1 class 2, true
    assert result['view2_top1'] == pytest.approx(100.0)
    assert result['view_top1'] == pytest.approx(100 * 2 / 3)
    # fused: frame 0 -> class 1 (false), frame 1 -> class 1 (true); frame 2 unlabelled
    assert result['fused_top1'] == pytest.approx(50.0)
    assert result['view_visible'] == pytest.approx(100 * 4 / 6)
    # visible rows (v0,t0), (v0,t1), (v0,t2), (v1,t1): AP class 0 = 1; class 1: ranked
    # 0.6 (neg), 0.4 (pos), 0.3 (pos), 0.1 -> (1/2 + 2/3) / 2; class 2: 0.95, 0.7 both pos -> 1
    assert result['view_frame_mAP'] == pytest.approx(100 * (1 + (0.5 + 2 / 3) / 2 + 1) / 3)


def test_functional_pieces():
    assert top1_hits(np.array([[0.1, 0.9], [0.8, 0.2], [0.5, 0.4]]),
                     np.array([[0, 1], [0, 1], [0, 0]])) == (1, 2)
    scores, labels = visible_view_rows(np.arange(12.).reshape(2, 3, 2), np.eye(3, 2),
                                       np.array([[1, 0, 1], [0, 1, 0]], bool))
    assert scores.tolist() == [[0, 1], [4, 5], [8, 9]]
    assert labels.tolist() == [[1, 0], [0, 0], [0, 1]]


def test_missing_fields_and_bad_shapes_name_the_recording():
    metric = METRICS.build(dict(type='ViewReadingMetric'))
    bad = sample()
    del bad['human_mask']
    with pytest.raises(KeyError, match="01/1-Part1.*'human_mask'"):
        metric.process({}, [bad])
    with pytest.raises(ValueError, match='01/1-Part1.*inconsistent shapes'):
        metric.process({}, [sample(human_mask=torch.ones(3, 3, dtype=torch.bool))])


def test_recognizer_predict_sets_the_per_view_scores():
    from tests.models.recognizers.test_multiview_av_recognizer import build, make_batch
    model = build('MultiASL', 'student_VF').eval()
    data = model.data_preprocessor(make_batch(), False)
    with torch.no_grad():
        samples = model(**data, mode='predict')
        feats = model.extract_feat(data['inputs'])
    torch.testing.assert_close(torch.stack([s.pred_view_frame_score for s in samples]),
                               feats['view_frame_logits'].sigmoid())
    metric = METRICS.build(dict(type='ViewReadingMetric'))
    metric.process({}, samples)
    assert set(metric.compute_metrics(metric.results)) >= {'view_top1', 'fused_top1',
                                                            'view_frame_mAP', 'view3_top1'}
