"""MultiLabelMAP metric on fake data samples."""
import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

import mmvicokd.evaluation  # noqa: F401  (registers the metric)
from mmaction.registry import METRICS
from mmvicokd.evaluation.metrics import multilabel_map as metric_module

# Sequence level, classes (AdjustAC, Clean, Drink):
#   class 0: scores .9(+) .3(-) .6(+)  -> AP 1
#   class 1: scores .2(-) .8(-) .7(+)  -> P 1/2 at R 1 -> AP 1/2
#   class 2: no positive               -> left out;    seq_mAP = 75 %
SEQ_SCORES = [[0.9, 0.2, 0.1], [0.3, 0.8, 0.4], [0.6, 0.7, 0.5]]
SEQ_LABELS = [[1, 0, 0], [0, 0, 0], [1, 1, 0]]
# Frame level (T = 2 per sample, 6 frames pooled):
#   class 0: .9(-) .8(+) .5(-) .4(-) .2(-) .1(+) -> 1/2 * 1/2 + 1/2 * 2/6 = 5/12
#   class 1: all tied at .5, one positive of 6  -> 1/6
#   class 2: no positive -> left out;  frame_mAP = (5/12 + 1/6) / 2 = 7/24
FRAME_SCORES = [[[0.9, 0.5, 0.3], [0.1, 0.5, 0.3]],
                [[0.5, 0.5, 0.3], [0.4, 0.5, 0.3]],
                [[0.8, 0.5, 0.3], [0.2, 0.5, 0.3]]]
FRAME_LABELS = [[[0, 0, 0], [1, 0, 0]],
                [[0, 0, 0], [0, 1, 0]],
                [[1, 0, 0], [0, 0, 0]]]


def _samples(as_dict):
    samples = []
    for i in range(3):
        sample = ActionDataSample(metainfo=dict(recording_id=f'01/{i}-Part1'))
        sample.pred_score = torch.tensor(SEQ_SCORES[i])
        sample.gt_label = torch.tensor(SEQ_LABELS[i], dtype=torch.float32)
        sample.pred_frame_score = torch.tensor(FRAME_SCORES[i])
        sample.frame_label = torch.tensor(FRAME_LABELS[i], dtype=torch.float32)
        samples.append(sample.to_dict() if as_dict else sample)
    return samples


@pytest.mark.parametrize('as_dict', [True, False])
def test_process_and_evaluate_report_percent(as_dict, monkeypatch):
    logged = []
    monkeypatch.setattr(metric_module, 'print_log', lambda msg, **kw: logged.append(msg))
    metric = METRICS.build(dict(type='MultiLabelMAP'))
    metric.dataset_meta = dict(classes=('AdjustAC', 'Clean', 'Drink'))
    samples = _samples(as_dict)
    metric.process(None, samples[:2])
    metric.process(None, samples[2:])
    results = metric.evaluate(size=3)
    assert set(results) == {'seq_mAP', 'frame_mAP'}
    assert results['seq_mAP'] == pytest.approx(75.0)
    assert results['frame_mAP'] == pytest.approx(100 * 7 / 24)
    assert len(logged) == 2
    assert all('leaves out 1 of 3 classes' in msg and "'Drink'" in msg for msg in logged)


def test_classwise_reports_each_class_sequence_ap():
    metric = METRICS.build(dict(type='MultiLabelMAP', classwise=True))
    metric.dataset_meta = dict(classes=('AdjustAC', 'Clean', 'Drink'))
    metric.process(None, _samples(False))
    results = metric.evaluate(size=3)
    assert list(results)[:2] == ['seq_mAP', 'frame_mAP']  # the paper's metric first
    # hand values above: AdjustAC 1, Clean 1/2, Drink has no positive (omitted)
    assert results['seq_AP/AdjustAC'] == pytest.approx(100.0)
    assert results['seq_AP/Clean'] == pytest.approx(50.0)
    assert 'seq_AP/Drink' not in results


def test_missing_field_names_the_recording():
    metric = METRICS.build(dict(type='MultiLabelMAP'))
    sample = _samples(True)[1]
    del sample['pred_frame_score']
    with pytest.raises(KeyError, match="01/1-Part1.*pred_frame_score"):
        metric.process(None, [sample])


def test_shape_mismatch_names_the_recording():
    metric = METRICS.build(dict(type='MultiLabelMAP'))
    sample = _samples(True)[2]
    sample['frame_label'] = np.zeros((3, 3), dtype=np.float32)
    with pytest.raises(ValueError, match='01/2-Part1'):
        metric.process(None, [sample])


def test_no_positive_at_all_raises():
    metric = METRICS.build(dict(type='MultiLabelMAP'))
    samples = _samples(True)
    for sample in samples:
        sample['gt_label'] = torch.zeros(3)
    metric.process(None, samples)
    with pytest.raises(ValueError, match='sequence-level mAP is undefined'):
        metric.evaluate(size=3)


# Frame decisions at thresholds (.5, .5, never), the 6 frames above:
#   class 0 (AdjustAC): detects .9(-) .5(-) .8(+); misses .1(+) -> TP 1 FP 2 FN 1:
#                       P 1/3, R 1/2, F1 2/5
#   class 1 (Clean):    all .5 detected, one positive  -> TP 1 FP 5 FN 0: P 1/6, R 1, F1 2/7
#   class 2 (Drink):    no positive frame -> left out, as for mAP
FRAME_F1 = 100 * (2 / 5 + 2 / 7) / 2
FRAME_PRECISION = 100 * (1 / 3 + 1 / 6) / 2
FRAME_RECALL = 100 * (1 / 2 + 1) / 2


def _f1_metrics(thresholds):
    metric = METRICS.build(dict(type='MultiLabelMAP', thresholds=thresholds))
    metric.dataset_meta = dict(classes=('AdjustAC', 'Clean', 'Drink'))
    metric.process(None, _samples(False))
    return metric.evaluate(size=3)


def test_frame_f1_precision_recall_at_given_thresholds(tmp_path):
    results = _f1_metrics([0.5, 0.5, None])
    assert results['frame_mAP'] == pytest.approx(100 * 7 / 24)  # unchanged by thresholds
    assert results['frame_F1'] == pytest.approx(FRAME_F1)
    assert results['frame_precision'] == pytest.approx(FRAME_PRECISION)
    assert results['frame_recall'] == pytest.approx(FRAME_RECALL)
    assert 'frame_F1' not in _f1_metrics(None)  # no thresholds, no decisions

    from mmvicokd.utils.atomic_files import write_json
    path = write_json(str(tmp_path / 'thresholds.json'),
                      dict(classes=['AdjustAC', 'Clean', 'Drink'], thresholds=[0.5, 0.5, None]))
    assert _f1_metrics(path)['frame_F1'] == pytest.approx(FRAME_F1)
    other = write_json(str(tmp_path / 'other.json'),
                       dict(classes=['Eat', 'Clean', 'Drink'], thresholds=[0.5, 0.5, None]))
    with pytest.raises(ValueError, match='other.json were fitted for the classes'):
        _f1_metrics(other)
    with pytest.raises(ValueError, match='2 thresholds for 3 classes'):
        _f1_metrics([0.5, 0.5])
