"""Test-wide set-up: nothing is written under the home folder and nothing reaches the network;
torch runs one thread in this process and in the processes the tests start (unless
``OMP_NUM_THREADS`` says otherwise): the suite's models are tiny, which threads split poorly
(on a busy machine a second thread mostly waits), and runs compared bit for bit, in this
process and in a subprocess, then reduce in the same order."""
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
for _var in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ.setdefault(_var, '1')


import pytest  # noqa: E402


@pytest.fixture(scope='session', autouse=True)
def torch_threads_as_omp_says():
    """This process's torch threads: ``OMP_NUM_THREADS`` (1 unless set before the session)."""
    import torch
    torch.set_num_threads(int(os.environ['OMP_NUM_THREADS']))


@pytest.fixture(autouse=True)
def torch_threads_restored():
    """A test that changes torch's thread count (a tool's ``--threads``, the demo's jobs) leaves
    it as it found it, so that the tests after it do not depend on the order."""
    import torch
    threads = torch.get_num_threads()
    yield
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def _unformatted(text, **kwargs):
    return text, False


@pytest.fixture(scope='session', autouse=True)
def unformatted_config_text():
    """MMEngine's ``Config.pretty_text`` without yapf's re-formatting in this process.

    Every Runner logs its config and dumps it to its work dir through ``pretty_text``, and
    yapf took a third of each tiny end-to-end run (about 1 s a call). The text differs in
    whitespace only and still loads with ``Config.fromfile``. The processes the tests start
    format as users see it, but the demo's helpers (tests/tools/test_demo.py does as here).
    """
    from mmengine.config import config
    format_code = config.FormatCode
    config.FormatCode = _unformatted
    yield
    config.FormatCode = format_code


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

    from mmvicokd.datasets.caches.frame_cache import build_frame_cache
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


@pytest.fixture(scope='session')
def recording_root(tmp_path_factory):
    """Tiny real MultiSensor-Home-style recordings written to a tmp folder: two recordings (3
    views each, 6 s), a list annotation file and a human-mask file.

    Recording ``Home1/01/3-Part1``: tricks Drink [0.5, 2.0] s, Eat+Drink [3.0, 5.2] s.
    Recording ``Home1/01/4-Part1``: trick Sitdown [1.0, 1.4] s; its audio is 22.05 kHz, so
    it is resampled to 16 kHz.
    Mask scores: (5, 15) random in [0, 1) per recording (rows for views 1..5).
    """
    import numpy as np

    from .datasets.fixtures import write_json, write_recording
    root = str(tmp_path_factory.mktemp('multisensor'))
    e1 = write_recording(root, '01/3')
    e1['tricks'] = [dict(start=0.5, end=2.0, labels=['Drink']),
                    dict(start=3.0, end=5.2, labels=['Eat', 'Drink'])]
    e2 = write_recording(root, '01/4', sample_rate=22050)
    e2['tricks'] = [dict(start=1.0, end=1.4, labels=['Sitdown'])]
    write_json(os.path.join(root, 'train.json'), [e1, e2])
    rng = np.random.default_rng(0)
    masks = {rid: rng.random((5, 15)).round(3).tolist()
             for rid in ('Home1/01/3-Part1', 'Home1/01/4-Part1')}
    write_json(os.path.join(root, 'human_masks.json'), masks)
    return root


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist names each item's group
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test``: ``-n auto --dist loadgroup``) a test file runs on one
    worker, so its module-scoped fixtures (trained runs, sandboxes) are built once; files that
    share a session-wide run name one ``xdist_group`` (``tests/helpers/dist_runs.py``)."""
    for item in items:
        if item.get_closest_marker('xdist_group') is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split('::')[0]))
