"""Interrupted tools never leave a half-written file under its final name; a rerun completes and
writes the bytes an uninterrupted run writes. Checkpoints load with ``weights_only=True``.

Each tool runs in a subprocess (``kill_at_replace.py``) that is SIGKILLed while it writes its
N-th output file; the checkpoint case lives in ``test_resume.py``.
"""
import json
import os
import os.path as osp
import signal
import subprocess
import sys

import pytest

from mmvicokd.datasets.caches.frame_cache import build_frame_cache

from ..datasets.fixtures import write_json, write_recording
from ..helpers.e2e import REPO
from .test_train_test import tool

KILLER = osp.join(REPO, 'tests', 'helpers', 'kill_at_replace.py')


def run_killed(suffix: str, nth: int, name: str, *args: str) -> None:
    """Run ``tools/<name> ARGS`` and SIGKILL it while it writes its ``nth`` ``*suffix`` file."""
    proc = subprocess.run(
        [sys.executable, KILLER, suffix, str(nth), osp.join(REPO, 'tools', name), *args],
        capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == -signal.SIGKILL, proc.stdout[-2000:] + proc.stderr[-2000:]


def tree(folder: str) -> dict:
    """``{relative path: bytes}`` of every file under ``folder``."""
    out = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = osp.join(base, name)
            with open(path, 'rb') as f:
                out[osp.relpath(path, folder)] = f.read()
    return out


def _split(files: dict) -> tuple:
    """(final files, temporary files) of a :func:`tree`."""
    tmp = {k: v for k, v in files.items() if '.tmp' in osp.basename(k)}
    return {k: v for k, v in files.items() if k not in tmp}, tmp


@pytest.fixture(scope='module')
def small_set(tmp_path_factory):
    """Three 2-view, 2 s recordings (``Home1/07/{1,2,3}-Part1``) and ``ann.json``."""
    root = str(tmp_path_factory.mktemp('small'))
    entries = []
    for i in (1, 2, 3):
        entry = write_recording(root, f'07/{i}', num_views=2, seconds=2.0)
        entry['tricks'] = [dict(start=0.0, end=1.0, labels=['Eat'])]
        entries.append(entry)
    write_json(osp.join(root, 'ann.json'), entries)
    return root


def test_cache_frames_killed_mid_write(small_set, tmp_path):
    reference = str(tmp_path / 'reference')
    build_frame_cache(small_set, ['ann.json'], reference, resize=16, workers=1)
    out = str(tmp_path / 'cache')
    args = ['--data-root', small_set, '--ann-file', 'ann.json', '--out', out, '--resize', '16',
            '--workers', '1']
    run_killed('.npz', 2, 'cache_frames.py', *args)
    final, tmp = _split(tree(out))
    expected = tree(reference)
    assert list(final) == ['Home1/07/1-Part1.npz']  # the 2nd recording's file was never named
    assert final['Home1/07/1-Part1.npz'] == expected['Home1/07/1-Part1.npz']
    assert len(tmp) == 1 and len(next(iter(tmp.values()))) < len(expected['Home1/07/2-Part1.npz'])
    tool('cache_frames.py')(args)
    assert tree(out) == expected  # complete, same bytes, the killed run's temporary file gone


def test_extract_human_masks_killed_mid_write(small_set, random_yolo, tmp_path):
    def args(out):
        return ['--data-root', small_set, '--ann-file', osp.join(small_set, 'ann.json'),
                '--weights', random_yolo, '--out', out, '--imgsz', '64']

    reference = str(tmp_path / 'reference.json')
    tool('extract_human_masks.py')(args(reference))
    out = str(tmp_path / 'masks' / 'human_masks.json')
    run_killed('human_masks.json', 2, 'extract_human_masks.py', *args(out))
    final, tmp = _split(tree(osp.dirname(out)))
    assert list(final) == ['human_masks.json'] and len(tmp) == 1
    with open(reference) as f:
        expected = json.load(f)
    first = json.loads(final['human_masks.json'])  # complete JSON: the first recording only
    assert first == {'Home1/07/1-Part1': expected['Home1/07/1-Part1']}
    tool('extract_human_masks.py')(args(out))
    with open(reference, 'rb') as f:
        assert tree(osp.dirname(out)) == {'human_masks.json': f.read()}


def _frame_counts(root: str, names) -> dict:
    import decord
    return {name: len(decord.VideoReader(osp.join(root, name))) for name in names}


def test_synthetic_generator_killed_mid_write(tiny_synthetic, tmp_path):
    """The JSON files are byte-identical to an uninterrupted run's; the mp4 files are complete
    (every frame decodes) but not byte-identical: libx264 encodes 72-pixel-high frames (not a
    multiple of 16) slightly differently from run to run, even in one process."""
    reference = osp.dirname(tiny_synthetic[0])  # the session's set: tiny preset, seed 0
    expected = {k: v for k, v in tree(reference).items()
                if k.startswith('Home1') and k != 'Home1/test3.json'}  # test3: conftest's own
    videos = sorted(k for k in expected if k.endswith('.mp4'))
    out = str(tmp_path / 'synthetic')
    args = ['--out', out, '--preset', 'tiny', '--seed', '0', '--workers', '1']
    run_killed('.mp4', 8, 'make_synthetic_dataset.py', *args)  # 3rd view of the 2nd recording
    final, tmp = _split(tree(out))
    assert len(final) == 7 and all(k.endswith('.mp4') for k in final)  # no JSON yet
    assert _frame_counts(out, final) == _frame_counts(reference, final)  # complete files
    assert len(tmp) == 1
    tool('make_synthetic_dataset.py')(args)
    final, _ = _split(tree(out))
    summary = 'Home1/synthetic_summary.json'
    assert set(final) == set(expected)
    for name in sorted(set(expected) - {summary} - set(videos)):
        assert final[name] == expected[name], name  # same seed, same bytes
    assert _frame_counts(out, videos) == _frame_counts(reference, videos)
    ignore = ('data_root', 'ann_file', 'train_file', 'test_file', 'human_mask_file',
              'disk_bytes')
    assert ({k: v for k, v in json.loads(final[summary]).items() if k not in ignore}
            == {k: v for k, v in json.loads(expected[summary]).items() if k not in ignore})
