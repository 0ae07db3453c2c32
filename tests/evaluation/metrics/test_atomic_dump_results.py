"""AtomicDumpResults: the DumpResults pickle, written through a temporary name."""
import os
import pickle

import pytest
import torch
from mmengine.evaluator import DumpResults

from mmvicokd.evaluation.metrics import atomic_dump_results
from mmvicokd.evaluation.metrics.atomic_dump_results import AtomicDumpResults

SAMPLES = [dict(recording_id='Home1/01/1-Part1', pred_score=torch.tensor([0.25, 0.75]))]


def test_writes_what_dump_results_writes(tmp_path):
    ours, theirs = str(tmp_path / 'ours.pkl'), str(tmp_path / 'theirs.pkl')
    for metric in (AtomicDumpResults(ours), DumpResults(theirs)):
        metric.process({}, SAMPLES)
        assert metric.evaluate(1) == {}
    with open(ours, 'rb') as a, open(theirs, 'rb') as b:
        ours_data, theirs_data = pickle.load(a), pickle.load(b)
    assert ours_data[0]['recording_id'] == theirs_data[0]['recording_id']
    assert torch.equal(ours_data[0]['pred_score'], theirs_data[0]['pred_score'])
    assert sorted(os.listdir(tmp_path)) == ['ours.pkl', 'theirs.pkl']  # no temporary left


def test_a_failed_dump_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / 'predictions.pkl'
    path.write_bytes(b'previous')

    def broken(obj, file):
        with open(file, 'wb') as f:
            f.write(b'half a pick')
        raise OSError('disk full')

    monkeypatch.setattr(atomic_dump_results, 'dump', broken)
    metric = AtomicDumpResults(str(path))
    metric.process({}, SAMPLES)
    with pytest.raises(OSError, match='disk full'):
        metric.evaluate(1)
    assert path.read_bytes() == b'previous'
    assert os.listdir(tmp_path) == ['predictions.pkl']


def test_still_refuses_a_non_pickle_path():
    with pytest.raises(ValueError, match='pkl'):
        AtomicDumpResults('predictions.json')
