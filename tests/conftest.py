"""Test-wide set-up: nothing is written under the home folder and nothing reaches the network."""
import os
import tempfile

_CACHE = tempfile.mkdtemp(prefix='mmvicokd-test-cache-')
for _var, _sub in (('XDG_CACHE_HOME', 'xdg'), ('MPLCONFIGDIR', 'matplotlib'),
                   ('YOLO_CONFIG_DIR', 'ultralytics'), ('TORCH_HOME', 'torch'),
                   ('HF_HOME', 'hf')):
    os.environ[_var] = os.path.join(_CACHE, _sub)
os.environ['YOLO_OFFLINE'] = '1'
os.environ['YOLO_AUTOINSTALL'] = '0'
os.environ['HF_HUB_OFFLINE'] = '1'


import pytest  # noqa: E402


@pytest.fixture(scope='module')
def one_torch_thread():
    """Run a module's tiny models on one torch thread, restoring the count afterwards."""
    import torch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope='session')
def tiny_synthetic(tmp_path_factory):
    """``(data_root, cache_dir)``: the tiny preset (seed 0; 4 train, 2 test recordings) plus
    ``test3.json`` (3 recordings: an odd size the DDP sampler pads), all cached at 64 px."""
    import json

    from mmvicokd.datasets.frame_cache import build_frame_cache
    from mmvicokd.datasets.synthetic import generate_synthetic_dataset

    out = tmp_path_factory.mktemp('synthetic')
    summary = generate_synthetic_dataset(str(out), preset='tiny', seed=0, workers=1)
    root = summary['data_root']
    with open(os.path.join(root, 'test.json')) as f:
        test = json.load(f)
    with open(os.path.join(root, 'train.json')) as f:
        train = json.load(f)
    with open(os.path.join(root, 'test3.json'), 'w') as f:
        json.dump((test + train)[:3], f)
    cache = str(out / 'cache_64')
    build_frame_cache(root, ['train.json', 'test.json', 'test3.json'], cache, resize=64,
                      workers=1)
    return root, cache


@pytest.fixture(scope='session')
def random_yolo(tmp_path_factory):
    """A randomly initialised YOLOv10-n built from its yaml, saved as a local checkpoint."""
    import torch

    from mmvicokd.detection.ultralytics_env import prepare_ultralytics_env
    prepare_ultralytics_env()
    from ultralytics import YOLO

    torch.manual_seed(0)
    path = str(tmp_path_factory.mktemp('yolo') / 'yolov10n_random.pt')
    YOLO('yolov10n.yaml').save(path)
    return path
