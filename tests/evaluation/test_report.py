import pytest

from mmvicokd.evaluation.report import kd_table


def result(method, setting, seq, frame=0.0):
    return dict(method=method, setting=setting, metrics=dict(seq_mAP=seq, frame_mAP=frame))


def test_kd_table_orders_rows_and_shows_differences_from_student():
    results = [
        result('ViCoKD', 'V_F', 60.0), result('Teacher', 'AV_F', 70.5),
        result('Student', 'V_F', 50.25), result('Student', 'V_S', 40.0),
        result('ViCoKD', 'V_S', 39.5),
    ]
    lines = kd_table(results).splitlines()
    assert lines[0].startswith('| Method | AV_F → V_F (seq_mAP, %)')  # the paper's metric
    assert lines[2] == '| Teacher (AV_F) | 70.50 | 70.50 |'
    assert lines[3] == '| Student | 50.25 | 40.00 |'
    assert lines[4] == '| ViCoKD | 60.00 (+9.75) | 39.50 (-0.50) |'


def test_kd_table_other_metric_and_missing_cells():
    lines = kd_table([result('Student', 'V_F', 1.0, frame=33.0),
                      result('CoKD', 'V_S', 2.0, frame=30.0)], metric='frame_mAP').splitlines()
    assert lines[2] == '| Student | 33.00 | — |'
    assert lines[3] == '| CoKD | — | 30.00 |'  # no V_S student: no difference to show


def test_kd_table_rejects_duplicates_and_missing_metric():
    with pytest.raises(ValueError, match='two results'):
        kd_table([result('CoKD', 'V_F', 1.0), result('CoKD', 'V_F', 2.0)])
    with pytest.raises(KeyError, match='top1'):
        kd_table([result('CoKD', 'V_F', 1.0)], metric='top1')
