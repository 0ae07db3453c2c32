"""The thresholds record: JSON nulls for never-detected classes, the file, the class check."""
import math

import numpy as np
import pytest

from mmvicokd.evaluation.threshold_record import (read_thresholds_file, record_thresholds,
                                                  thresholds_record)
from mmvicokd.utils.atomic_files import write_json, write_text


def test_record_file_and_class_check(tmp_path):
    record = thresholds_record(np.array([0.25, math.inf]), ['a', 'b'], 'work/epoch_3.pth',
                               dict(ann_file='val.json'), dict(frame_F1=50.0))
    assert record['thresholds'] == [0.25, None] and record['checkpoint'] == 'epoch_3.pth'
    path = write_json(str(tmp_path / 'thresholds.json'), record)
    assert read_thresholds_file(path) == record
    np.testing.assert_array_equal(record_thresholds(record, ['a', 'b'], path), [0.25, math.inf])
    with pytest.raises(ValueError, match=r'thresholds.json were fitted for the classes '
                       r'\["a", "b"\], but the config names \["a", "c"\]'):
        record_thresholds(record, ['a', 'c'], path)
    with pytest.raises(ValueError, match='1 thresholds for 2 classes'):
        thresholds_record(np.array([0.25]), ['a', 'b'], 'x.pth', {}, {})
    bad = write_text(str(tmp_path / 'bad.json'), '{"classes": [')
    with pytest.raises(ValueError, match='bad.json is not valid JSON'):
        read_thresholds_file(bad)
    with pytest.raises(FileNotFoundError, match='tools/calibrate.py writes it'):
        read_thresholds_file(str(tmp_path / 'missing.json'))
