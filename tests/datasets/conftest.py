"""Fixtures: tiny real MultiSensor-Home-style recordings written to a tmp folder."""
import os.path as osp

import numpy as np
import pytest

from .fixtures import write_json, write_recording


@pytest.fixture(scope='session')
def recording_root(tmp_path_factory):
    """Two recordings (3 views each, 6 s), a list annotation file and a human-mask file.

    Recording ``Home1/01/3-Part1``: tricks Drink [0.5, 2.0] s, Eat+Drink [3.0, 5.2] s.
    Recording ``Home1/01/4-Part1``: trick Sitdown [1.0, 1.4] s; its audio is 22.05 kHz, so
    it is resampled to 16 kHz.
    Mask scores: (5, 15) random in [0, 1) per recording (rows for views 1..5).
    """
    root = str(tmp_path_factory.mktemp('multisensor'))
    e1 = write_recording(root, '01/3')
    e1['tricks'] = [dict(start=0.5, end=2.0, labels=['Drink']),
                    dict(start=3.0, end=5.2, labels=['Eat', 'Drink'])]
    e2 = write_recording(root, '01/4', sample_rate=22050)
    e2['tricks'] = [dict(start=1.0, end=1.4, labels=['Sitdown'])]
    write_json(osp.join(root, 'train.json'), [e1, e2])
    rng = np.random.default_rng(0)
    masks = {rid: rng.random((5, 15)).round(3).tolist()
             for rid in ('Home1/01/3-Part1', 'Home1/01/4-Part1')}
    write_json(osp.join(root, 'human_masks.json'), masks)
    return root


@pytest.fixture
def data_info(recording_root):
    """``data_info(index, **dataset_kwargs)``: the dataset's data info of one recording."""
    from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset

    def make(index: int = 0, **kwargs) -> dict:
        kwargs.setdefault('human_mask_file', 'human_masks.json')
        dataset = MultiSensorHomeDataset(ann_file='train.json', data_root=recording_root,
                                         **kwargs)
        return dataset.get_data_info(index)

    return make
