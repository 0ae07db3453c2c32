"""Thresholds stored with a run: thresholds.json beside the checkpoint and its meta."""
import json
import os

import numpy as np
import torch

from mmvicokd.evaluation.threshold_record import THRESHOLDS_FILE, thresholds_record
from mmvicokd.experiments.run_thresholds import META_KEY, save_thresholds, stored_thresholds


def test_save_and_find_thresholds(tmp_path):
    ckpt = str(tmp_path / 'epoch_3.pth')
    torch.save(dict(meta=dict(seed=0), state_dict=dict(w=torch.ones(2)),
                    optimizer=dict(state={})), ckpt)
    assert stored_thresholds(ckpt) is None
    record = thresholds_record(np.array([0.25, np.inf]), ['a', 'b'], ckpt,
                               dict(ann_file='val.json'), dict(frame_F1=50.0))
    path = save_thresholds(record, ckpt)
    assert path == str(tmp_path / THRESHOLDS_FILE)
    with open(path) as f:
        assert json.load(f) == record
    saved = torch.load(ckpt, weights_only=True)
    assert saved['meta'] == dict(seed=0, **{META_KEY: record})  # the rest of meta stays
    assert saved['optimizer'] == dict(state={})
    assert torch.equal(saved['state_dict']['w'], torch.ones(2))
    assert stored_thresholds(ckpt) == (record, f'the meta of {ckpt}')

    # a checkpoint without the meta key: the file beside it, if it names that checkpoint
    torch.save(dict(meta={}, state_dict=dict(w=torch.ones(2))), ckpt)
    assert stored_thresholds(ckpt) == (record, path)
    other = str(tmp_path / 'epoch_4.pth')
    torch.save(dict(meta={}, state_dict=dict(w=torch.ones(2))), other)
    assert stored_thresholds(other) is None
    assert sorted(os.listdir(tmp_path)) == ['epoch_3.pth', 'epoch_4.pth', THRESHOLDS_FILE]
