"""tools/cache_frames.py as a command (its ``main`` in this process, as the shell calls it):
builds the cache, a second run skips it; --format."""
import os.path as osp

import numpy as np
import pytest

from mmvicokd.datasets.caches.frame_cache import cache_file, read_cache

from ..datasets.fixtures import write_json, write_recording
from ..helpers.trained_runs import tool


def _run(capsys, *args) -> str:
    """Run the tool; what it printed."""
    assert tool('cache_frames.py')(list(args)) in (None, 0)
    return capsys.readouterr().out


def test_cache_frames_cli(tmp_path, capsys):
    root = str(tmp_path / 'data')
    entry = write_recording(root, '01/7', num_views=2, seconds=2.0)
    entry['tricks'] = [dict(start=0.0, end=1.0, labels=['Eat'])]
    write_json(osp.join(root, 'train.json'), [entry])
    out = str(tmp_path / 'cache')
    args = ('--data-root', root, '--ann-file', 'train.json', '--out', out, '--resize', '16',
            '--views', '2', '--workers', '1')
    assert '1 built, 0 were up to date' in _run(capsys, *args)
    meta, video, fbank = read_cache(cache_file(out, 'Home1/01/7-Part1'), 'test')
    assert meta['views'] == [2] and video.shape == (1, 5, 16, 16, 3)
    assert fbank.shape[::2] == (1, 128)


def test_cache_frames_format_flags(tmp_path, capsys):
    root = str(tmp_path / 'data')
    entry = write_recording(root, '01/7', num_views=2, seconds=2.0)
    entry['tricks'] = [dict(start=0.0, end=1.0, labels=['Eat'])]
    write_json(osp.join(root, 'train.json'), [entry])
    out = str(tmp_path / 'cache')
    args = ('--data-root', root, '--ann-file', 'train.json', '--out', out, '--resize', '16',
            '--workers', '1')
    printed = _run(capsys, *args, '--format', 'jpeg', '--jpeg-quality', '80', '--fbank-dtype',
                   'float16')
    assert 'jpeg (quality 80)' in printed and 'float16' in printed
    meta, video, fbank = read_cache(cache_file(out, 'Home1/01/7-Part1'), 'test')
    assert (meta['frame_format'], meta['jpeg_quality'], meta['fbank_dtype']) == (
        'jpeg', 80, 'float16')
    assert video.shape == (2, 5, 16, 16, 3) and np.asarray(video).dtype == np.uint8
    assert fbank.dtype == np.float32
    with pytest.raises(SystemExit) as exited:
        tool('cache_frames.py')([*args, '--jpeg-quality', '80'])
    assert exited.value.code == 2
    assert '--jpeg-quality needs --format jpeg' in capsys.readouterr().err
