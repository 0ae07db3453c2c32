"""Bad input matrix: each broken input ends in one clear error, or a documented, logged fallback.

Every case copies a good tiny recording (``bad_inputs.py``), breaks one thing and builds the
data loader as MMEngine's Runner does, reading the first sample in a real DataLoader worker
(``num_workers=1``). Errors found while the dataset is built (annotation and mask files) are
raised in the main process before any worker starts; errors found while a sample is read are
raised in the worker and re-raised by the DataLoader with their type and message. Either way the
message names the recording (when there is one) and the file.

Cases tested elsewhere and kept there: tests/datasets/test_multisensor_home_dataset.py (views,
duplicates, missing annotation file), tests/datasets/transforms/test_load_multi_view_cache.py
(cache settings), tests/models/distillers/test_vicokd_distiller.py (teacher checkpoints).
"""
import json
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest

from mmvicokd.datasets.caches.frame_cache import cache_file, read_cache, savez_deterministic
from mmvicokd.utils.logged_to import logged_to

from .bad_inputs import (REC, T_FULL, copy_set, dataset_cfg, load_first_sample,
                         view_file, write_good_set)
from .fixtures import write_json, write_recording


@dataclass
class Case:
    """``setup(root)`` breaks the copy and returns dataset overrides; expected error follows."""

    setup: Callable
    error: type
    match: str
    where: str  # 'build': raised building the dataset; 'worker': raised reading a sample
    names: Callable = field(default=lambda root: [REC])


def _ann(root):
    return osp.join(root, 'ann.json')


def _masks(root):
    return osp.join(root, 'human_masks.json')


def _cache(root):
    return cache_file(osp.join(root, 'cache'), REC)


def _write(path, data: bytes):
    with open(path, 'wb') as f:
        f.write(data)


def _truncate(path, fraction):
    with open(path, 'rb') as f:
        data = f.read()
    _write(path, data[:int(len(data) * fraction)])


def _tricks(root, tricks):
    with open(_ann(root)) as f:
        entries = json.load(f)
    entries[0]['tricks'] = tricks
    write_json(_ann(root), entries)
    return {}


def _cache_with_fewer_frames(root):
    meta, video, fbank = read_cache(_cache(root), REC)
    with open(_cache(root), 'wb') as f:
        savez_deterministic(f, video=video[:, :T_FULL // 2], fbank=fbank,
                            meta=np.array(json.dumps(meta)))
    return dict(cache=True)


def _touch(path):
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))


def _view2(root):
    return [REC, view_file(root, 2)]


CASES = {
    'zero_byte_mp4': Case(lambda r: _write(view_file(r, 2), b'') or {}, RuntimeError,
                          'decord cannot read view file', 'worker', _view2),
    'truncated_mp4': Case(lambda r: _truncate(view_file(r, 2), 0.6) or {}, RuntimeError,
                          'decord cannot read view file', 'worker', _view2),
    'non_video_mp4': Case(lambda r: _write(view_file(r, 2), b'{"not": "a video"}\n') or {},
                          RuntimeError, 'decord cannot read view file', 'worker', _view2),
    'missing_view_file': Case(lambda r: os.remove(view_file(r, 2)) or {}, FileNotFoundError,
                              'view file .* does not exist', 'worker', _view2),
    'mp4_without_audio_track': Case(
        lambda r: write_recording(r, '05/1', num_views=2, seconds=4.0, audio_views=[1]) and {},
        ValueError, 'has no audio track', 'worker', _view2),
    'unknown_class_name': Case(
        lambda r: _tricks(r, [dict(start=0.0, end=1.0, labels=['Dance'])]), ValueError,
        r"unknown class name\(s\) \['Dance'\]", 'build', lambda r: [REC, _ann(r)]),
    'trick_start_after_end': Case(
        lambda r: _tricks(r, [dict(start=3.0, end=1.0, labels=['Exit'])]), ValueError,
        r'trick 0 starts after it ends \(start 3.0 s > end 1.0 s\)', 'build',
        lambda r: [REC, _ann(r)]),
    'trick_negative_time': Case(
        lambda r: _tricks(r, [dict(start=-1.0, end=1.0, labels=['Exit'])]), ValueError,
        'trick 0 has a negative time', 'build', lambda r: [REC, _ann(r)]),
    'trick_outside_the_video': Case(
        lambda r: _tricks(r, [dict(start=5.0, end=5.5, labels=['Exit'])]), ValueError,
        r'trick \[5.0, 5.5\] s lies outside the video \(4.00 s', 'worker',
        lambda r: [REC, _ann(r)]),
    'trick_without_labels': Case(
        lambda r: _tricks(r, [dict(start=0.0, end=1.0, labels='Exit')]), ValueError,
        'not a non-empty list of class names', 'build', lambda r: [REC, _ann(r)]),
    'annotation_not_json': Case(
        lambda r: _write(_ann(r), b'[{"video_url_1": "05/1.mp4",') or {}, ValueError,
        'annotation file .* is not valid JSON: Expecting .* line 1', 'build',
        lambda r: [_ann(r)]),
    'annotation_not_entries': Case(
        lambda r: write_json(_ann(r), 'Home1/05/1-View1-Part1.mp4') and {}, ValueError,
        'must hold a list or a dict of entries, got str', 'build', lambda r: [_ann(r)]),
    'annotation_entry_not_a_dict': Case(
        lambda r: write_json(_ann(r), {REC: 'Home1/05/1-View1-Part1.mp4'}) and {}, ValueError,
        'is a str, not an entry dict', 'build', lambda r: [REC, _ann(r)]),
    'annotation_without_entries': Case(
        lambda r: write_json(_ann(r), []) and {}, ValueError, 'holds no recordings', 'build',
        lambda r: [_ann(r)]),
    'mask_file_without_the_recording': Case(
        lambda r: write_json(_masks(r), {'Home1/05/9-Part1': [[0.5] * T_FULL] * 2}) and {},
        ValueError, 'is missing from the human mask file', 'build',
        lambda r: [REC, _masks(r)]),
    'mask_wrong_view_count': Case(
        lambda r: write_json(_masks(r), {REC: [[0.5] * T_FULL]}) and {}, ValueError,
        r'scores of shape \(1, 10\) do not cover views \[1, 2\]', 'build',
        lambda r: [REC, _masks(r)]),
    'mask_wrong_length': Case(
        lambda r: write_json(_masks(r), {REC: [[0.5] * 25] * 2}) and {}, ValueError,
        'has 25 frames for it, but the video has 10 frames on the 2.5-FPS grid', 'worker',
        lambda r: [REC, _masks(r)]),
    'mask_not_json': Case(
        lambda r: _write(_masks(r), b'{"Home1/05/1-Part1": [[0.5, ') or {}, ValueError,
        'human mask file .* is not valid JSON', 'build', lambda r: [_masks(r)]),
    'frame_cache_missing': Case(
        lambda r: os.remove(_cache(r)) or dict(cache=True), FileNotFoundError,
        'frame cache file .* does not exist; build the cache with', 'worker',
        lambda r: [REC, _cache(r)]),
    'frame_cache_stale': Case(
        lambda r: _touch(view_file(r, 2)) or dict(cache=True), RuntimeError,
        'is stale: .*changed since the cache was built .*; rebuild it with', 'worker',
        lambda r: [REC, _cache(r), view_file(r, 2)]),
    'frame_cache_truncated': Case(
        lambda r: _truncate(_cache(r), 0.5) or dict(cache=True), RuntimeError,
        'cannot read frame cache file .* partial or corrupt', 'worker',
        lambda r: [REC, _cache(r)]),
    'frame_cache_too_few_frames': Case(
        _cache_with_fewer_frames, RuntimeError, r'is partial: video \(2, 5, 16, 16, 3\)',
        'worker', lambda r: [REC, _cache(r)]),
    'frame_cache_only_a_killed_write': Case(
        lambda r: os.replace(_cache(r), _cache(r) + '.tmp-999999') or dict(cache=True),
        FileNotFoundError, 'frame cache file .* does not exist', 'worker',
        lambda r: [REC, _cache(r)]),
}


@pytest.fixture(scope='module')
def good_set(tmp_path_factory):
    return write_good_set(str(tmp_path_factory.mktemp('good')))


def test_the_good_recording_loads(good_set):
    for cache in (False, True):
        batch = load_first_sample(dataset_cfg(good_set, cache=cache))
        assert batch['inputs']['video'][0].shape == (2, 4, 3, 16, 16)
        assert batch['data_samples'][0].recording_id == REC


@pytest.mark.parametrize('name', sorted(CASES))
def test_bad_input(name, good_set, tmp_path):
    case = CASES[name]
    root = copy_set(good_set, str(tmp_path / 'data'))
    overrides = case.setup(root) or {}
    with pytest.raises(case.error, match=case.match) as err:
        load_first_sample(dataset_cfg(root, **overrides))
    message = str(err.value)
    for needle in case.names(root):
        assert needle in message, (needle, message)
    in_worker = 'in DataLoader worker process 0' in message
    assert in_worker == (case.where == 'worker'), message


# --- documented fallbacks: the sample loads, and what was done is logged or padded ----------

def test_empty_tricks_load_as_background_and_are_logged(good_set, tmp_path):
    root = copy_set(good_set, str(tmp_path / 'data'))
    _tricks(root, [])
    log = str(tmp_path / 'log.txt')
    with logged_to(log):
        batch = load_first_sample(dataset_cfg(root))
    sample = batch['data_samples'][0]
    assert not sample.gt_label.any() and not sample.frame_label.any()
    with open(log) as f:
        assert (f'1 recording(s) in {_ann(root)} have an empty "tricks" list and are loaded as '
                f"background (all-zero sequence and frame labels): ['{REC}']") in f.read()


def test_recording_shorter_than_clip_len_repeats_frames_and_is_logged(good_set, tmp_path):
    root = copy_set(good_set, str(tmp_path / 'data'))
    log = str(tmp_path / 'log.txt')
    with logged_to(log):  # logged by the DataLoader worker
        batch = load_first_sample(dataset_cfg(root, clip_len=16))  # T_full = 10 < 16
    inds = batch['data_samples'][0].frame_inds.numpy()
    np.testing.assert_array_equal(inds, np.floor((np.arange(16) + 0.5) * T_FULL / 16))
    assert batch['inputs']['video'][0].shape == (2, 16, 3, 16, 16)
    with open(log) as f:
        assert (f'recording {REC} (annotation {_ann(root)}) has 10 frames on the 2.5-FPS grid '
                '(4.00 s), fewer than clip_len 16: frames are repeated to fill the clip'
                ) in f.read()


@pytest.mark.parametrize('cache', [False, True])
def test_audio_shorter_than_the_video_is_padded_with_silence(good_set, tmp_path, cache):
    from mmvicokd.datasets.caches.frame_cache import build_frame_cache
    from mmvicokd.datasets.synthetic.media_writer import write_av_mp4
    from mmvicokd.datasets.transforms import load_audio_fbank as laf

    from .fixtures import view_frames, view_tone
    root = copy_set(good_set, str(tmp_path / 'data'))
    write_av_mp4(view_file(root, 2), view_frames(2, 40), 10, view_tone(2, 1.5, 16000), 16000)
    if cache:
        build_frame_cache(root, ['ann.json'], osp.join(root, 'cache'), resize=16, workers=1)
    batch = load_first_sample(dataset_cfg(root, cache=cache))
    audio = batch['inputs']['audio'][0].numpy()  # (V, T, Fa, M); windows at 0.4, 1.2, 2.4, 3.2 s
    floor = np.full(1, laf.FBANK_FLOOR, dtype=np.float32)  # normalised as the transform does
    silence = ((floor - laf.AST_FBANK_MEAN) / (2 * laf.AST_FBANK_STD))[0]
    np.testing.assert_array_equal(batch['data_samples'][0].frame_inds.numpy(), [1, 3, 6, 8])
    assert audio.shape == (2, 4, 40, 128)
    assert np.all(audio[1, 2:] == silence)  # past the 1.5 s track: the transform's padding
    silent_rows = np.all(audio == silence, axis=-1)  # (V, T, Fa): fbank frames all at the floor
    assert not silent_rows[0].any() and not silent_rows[1, 0].any()  # inside the tracks: sound


MIXED_VIEWS = [(10, 64, 48, 'libx264'), (25, 80, 60, 'mpeg4'), (12, 96, 72, 'libx264')]


def test_views_with_different_rates_sizes_and_codecs_stay_time_aligned(tmp_path):
    """Each frame's grey level is 60 x its time in seconds, so a decoded frame tells its time."""
    from mmvicokd.datasets.caches.frame_cache import build_frame_cache

    from .bad_inputs import GREY_PER_SECOND, write_mixed_views
    root = str(tmp_path / 'data')
    write_json(_ann(root), [write_mixed_views(root, MIXED_VIEWS)])
    write_json(_masks(root), {'Home1/06/1-Part1': [[0.9] * T_FULL] * 3})
    build_frame_cache(root, ['ann.json'], osp.join(root, 'cache'), resize=16, workers=1)
    videos = []
    for cache in (False, True):
        batch = load_first_sample(dataset_cfg(root, cache=cache, clip_len=T_FULL))
        assert batch['data_samples'][0].frame_inds.tolist() == list(range(T_FULL))
        videos.append(batch['inputs']['video'][0].numpy())  # (V, T, 3, 16, 16)
    np.testing.assert_array_equal(videos[0], videos[1])  # the cache decodes the same frames
    grid_time = np.arange(T_FULL) / 2.5
    decoded_time = videos[0].reshape(3, T_FULL, -1).mean(-1) / GREY_PER_SECOND
    for v, (fps, *_) in enumerate(MIXED_VIEWS):
        decoded_frame = np.round(decoded_time[v] * fps)  # the native frame each sample shows
        np.testing.assert_array_equal(decoded_frame, np.round(grid_time * fps), err_msg=str(v))
        assert np.all(np.abs(decoded_frame / fps - grid_time) <= 0.5 / fps)  # time-aligned


# --- model and config inputs ----------------------------------------------------------------

def test_teacher_checkpoint_of_another_architecture(tmp_path):
    """A MultiTSF teacher's checkpoint given to a MultiASL distiller: one error, both named."""
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    from ..helpers.e2e import save_random_teacher, tiny_config
    dirs = dict(data_root=str(tmp_path), work_dir=str(tmp_path), cache_dir=str(tmp_path))
    tsf = tiny_config('configs/cokd/cokd_multitsf_home1_v_f.py', **dirs)
    ckpt = save_random_teacher(tsf, str(tmp_path / 'teacher_multitsf.pth'))
    asl = tiny_config('configs/vicokd_multiasl_home1.py', teacher_ckpt=ckpt, **dirs)
    init_default_scope('mmaction')
    distiller = MODELS.build(asl.model)
    with pytest.raises(RuntimeError, match='does not match the teacher built from the config'
                       ) as err:
        distiller.init_weights()
    message = str(err.value)
    assert ckpt in message and 'missing keys: fusion.' in message
    assert 'unexpected keys: fusion.' in message


def test_config_pointing_at_a_missing_data_root(tmp_path):
    from mmengine.config import Config

    from ..helpers.e2e import config_path
    cfg = Config.fromfile(config_path('configs/teacher/teacher_multiasl_home1_av_f.py'))
    missing = str(tmp_path / 'MultiSensor-Home' / 'Home1')
    cfg.train_dataloader.dataset.data_root = missing
    cfg.train_dataloader.num_workers = 1
    with pytest.raises(FileNotFoundError, match='MultiSensor-Home not found') as err:
        load_first_sample(cfg.train_dataloader.dataset)
    assert f"data_root '{missing}' does not exist" in str(err.value)
    assert 'make demo' in str(err.value)
