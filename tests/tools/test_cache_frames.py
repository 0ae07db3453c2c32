"""tools/cache_frames.py as a command: builds the cache, a second run skips it; --format."""
import os.path as osp
import subprocess
import sys

import numpy as np

from mmvicokd.datasets.caches.frame_cache import cache_file, read_cache

from ..datasets.fixtures import write_json, write_recording

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _run(*args):
    return subprocess.run([sys.executable, osp.join(REPO, 'tools', 'cache_frames.py'), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_cache_frames_cli(tmp_path):
    root = str(tmp_path / 'data')
    entry = write_recording(root, '01/7', num_views=2, seconds=2.0)
    entry['tricks'] = [dict(start=0.0, end=1.0, labels=['Eat'])]
    write_json(osp.join(root, 'train.json'), [entry])
    out = str(tmp_path / 'cache')
    args = ('--data-root', root, '--ann-file', 'train.json', '--out', out, '--resize', '16',
            '--views', '2', '--workers', '1')
    proc = _run(*args)
    assert proc.returncode == 0, proc.stderr
    assert '1 built, 0 were up to date' in proc.stdout
    meta, video, fbank = read_cache(cache_file(out, 'Home1/01/7-Part1'), 'test')
    assert meta['views'] == [2] and video.shape == (1, 5, 16, 16, 3)
    assert fbank.shape[::2] == (1, 128)


def test_cache_frames_format_flags(tmp_path):
    root = str(tmp_path / 'data')
    entry = write_recording(root, '01/7', num_views=2, seconds=2.0)
    entry['tricks'] = [dict(start=0.0, end=1.0, labels=['Eat'])]
    write_json(osp.join(root, 'train.json'), [entry])
    out = str(tmp_path / 'cache')
    args = ('--data-root', root, '--ann-file', 'train.json', '--out', out, '--resize', '16',
            '--workers', '1')
    proc = _run(*args, '--format', 'jpeg', '--jpeg-quality', '80', '--fbank-dtype', 'float16')
    assert proc.returncode == 0, proc.stderr
    assert 'jpeg (quality 80)' in proc.stdout and 'float16' in proc.stdout
    meta, video, fbank = read_cache(cache_file(out, 'Home1/01/7-Part1'), 'test')
    assert (meta['frame_format'], meta['jpeg_quality'], meta['fbank_dtype']) == (
        'jpeg', 80, 'float16')
    assert video.shape == (2, 5, 16, 16, 3) and np.asarray(video).dtype == np.uint8
    assert fbank.dtype == np.float32
    proc = _run(*args, '--jpeg-quality', '80')
    assert proc.returncode == 2 and '--jpeg-quality needs --format jpeg' in proc.stderr
