"""tools/calibrate.py on the tiny Student, and tools/test.py reporting F1 at its thresholds."""
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest
import torch

from mmvicokd.evaluation.calibration import (check_thresholds, f1_optimal_thresholds,
                                             f1_precision_recall)
from mmvicokd.experiments.run_thresholds import META_KEY
from mmvicokd.experiments.predictions import load_predictions

from ..helpers.calibrated_run import calibrated_student
from ..helpers.trained_runs import tool, trained_runs


@pytest.fixture(scope='module')
def runs(tiny_synthetic, tmp_path_factory):
    return trained_runs(tiny_synthetic, tmp_path_factory)


@pytest.fixture(scope='module')
def calibrated(runs, tmp_path_factory):
    return calibrated_student(runs, tmp_path_factory)


def test_calibrate_stores_the_f1_optimal_thresholds_of_the_split(calibrated):
    found = load_predictions(osp.join(calibrated['folder'], 'calibration_predictions.pkl'))
    assert len(found.ids) == 4  # the tiny set's training split
    expected = f1_optimal_thresholds(found.frame_scores, found.frame_labels)
    with open(calibrated['thresholds']) as f:
        record = json.load(f)
    assert calibrated['thresholds'] == osp.join(calibrated['folder'], 'thresholds.json')
    np.testing.assert_array_equal(check_thresholds(record['thresholds'], 16, 'x'), expected)
    assert record['checkpoint'] == 'epoch_2.pth'
    assert record['split']['ann_file'].endswith('train.json')
    assert record['split']['in_sample'] is True
    assert record['split']['frames'] == len(found.frame_scores)
    decided = f1_precision_recall(found.frame_scores, found.frame_labels, expected)
    assert record['split_metrics']['frame_F1'] == pytest.approx(100 * decided['F1'])
    meta = torch.load(calibrated['ckpt'], weights_only=True)['meta']
    assert meta[META_KEY] == record


def test_test_reports_f1_at_the_stored_thresholds(calibrated, tmp_path):
    dump = str(tmp_path / 'predictions.pkl')
    metrics = tool('test.py')([calibrated['config'], calibrated['ckpt'], '--work-dir',
                               str(tmp_path / 'test'), '--dump', dump])
    found = load_predictions(dump)
    thresholds = check_thresholds(calibrated['record']['thresholds'], 16, 'x')
    decided = f1_precision_recall(found.frame_scores, found.frame_labels, thresholds)
    for key in ('F1', 'precision', 'recall'):
        assert metrics[f'frame_{key}'] == pytest.approx(100 * decided[key])
    assert 'frame_mAP' in metrics and 'view_top1' in metrics  # the other metrics stay


def test_calibrate_refuses_the_test_split(runs, tmp_path):
    ckpt = shutil.copy(runs['student']['ckpt'], str(tmp_path / 'epoch_2.pth'))
    before = os.path.getmtime(ckpt)
    for extra in ([], ['--ann-file', 'test.json']):  # the config's val split is its test split
        with pytest.raises(SystemExit, match='calibrate.py: error: the calibration split .*'
                           'test.json is the test split of the config'):
            tool('calibrate.py')([runs['student']['config'], ckpt, *extra])
    assert os.listdir(tmp_path) == ['epoch_2.pth'] and os.path.getmtime(ckpt) == before
    with pytest.raises(SystemExit, match='checkpoint .*missing.pth does not exist'):
        tool('calibrate.py')([runs['student']['config'], str(tmp_path / 'missing.pth')])
