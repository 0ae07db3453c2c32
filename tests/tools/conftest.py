"""Session fixtures of the tool tests: the tiny synthetic set and its frame cache, built once."""
import json
import os.path as osp

import pytest

from mmvicokd.datasets.frame_cache import build_frame_cache
from mmvicokd.datasets.synthetic import generate_synthetic_dataset


@pytest.fixture(scope='session')
def tiny_synthetic(tmp_path_factory):
    """``(data_root, cache_dir)``: the tiny preset (seed 0; 4 train, 2 test recordings) plus
    ``test3.json`` (3 recordings: an odd size the DDP sampler pads), all cached at 64 px."""
    out = tmp_path_factory.mktemp('synthetic')
    summary = generate_synthetic_dataset(str(out), preset='tiny', seed=0, workers=1)
    root = summary['data_root']
    with open(osp.join(root, 'test.json')) as f:
        test = json.load(f)
    with open(osp.join(root, 'train.json')) as f:
        train = json.load(f)
    with open(osp.join(root, 'test3.json'), 'w') as f:
        json.dump((test + train)[:3], f)
    cache = str(out / 'cache_64')
    build_frame_cache(root, ['train.json', 'test.json', 'test3.json'], cache, resize=64,
                      workers=1)
    return root, cache
