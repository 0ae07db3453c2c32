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
