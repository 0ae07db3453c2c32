"""LoadMultiViewCache: the cached pipeline gives the decoding pipeline's arrays, or clear errors."""
import os
import os.path as osp
import shutil

import numpy as np
import pytest
from mmaction.registry import TRANSFORMS

from mmvicokd.datasets.caches.frame_cache import build_frame_cache, cache_file
from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset
from mmvicokd.datasets.transforms import (DecodeMultiViewVideo, LoadAudioFbank,
                                          LoadMultiViewCache, MultiViewDecordInit,
                                          SampleMultiViewFrames)

from ..fixtures import write_recording

RESIZE = 32
TIMING = ('total_frames', 'avg_fps', 'duration', 'num_clip_frames')


@pytest.fixture(scope='module')
def cache_dir(recording_root, tmp_path_factory):
    out = str(tmp_path_factory.mktemp('cache'))
    build_frame_cache(recording_root, ['train.json'], out, resize=RESIZE, workers=1)
    return out


def _info(root, index, **kwargs):
    dataset = MultiSensorHomeDataset(ann_file='train.json', data_root=root, **kwargs)
    return dataset.get_data_info(index)


def _run(first, info, test_mode=True, clip_len=8, seed=0):
    np.random.seed(seed)  # train mode draws the frame offsets from numpy's global generator
    for t in (first, SampleMultiViewFrames(clip_len=clip_len, test_mode=test_mode),
              DecodeMultiViewVideo(resize=RESIZE), LoadAudioFbank()):
        info = t(info)
    return info


@pytest.mark.parametrize('index', [0, 1])  # recording 1 has 22.05 kHz audio
@pytest.mark.parametrize('test_mode', [True, False])
def test_same_arrays_as_the_decoding_pipeline(recording_root, cache_dir, index, test_mode):
    decoded = _run(MultiViewDecordInit(), _info(recording_root, index), test_mode)
    cached = _run(LoadMultiViewCache(cache_dir), _info(recording_root, index), test_mode)
    np.testing.assert_array_equal(cached['frame_inds'], decoded['frame_inds'])
    assert cached['imgs'].dtype == np.uint8 and cached['imgs'].shape == (3, 8, 32, 32, 3)
    np.testing.assert_array_equal(cached['imgs'], decoded['imgs'])
    assert cached['audio'].shape == decoded['audio'].shape == (3, 8, 40, 128)
    np.testing.assert_allclose(cached['audio'], decoded['audio'], rtol=1e-6, atol=1e-6)
    for key in TIMING + ('img_shape',):
        assert cached[key] == decoded[key], key
    for key in ('cached_imgs', 'cached_fbank', 'video_readers'):
        assert key not in cached


def test_sets_the_timing_of_multi_view_decord_init(recording_root, cache_dir):
    results = LoadMultiViewCache(cache_dir)(_info(recording_root, 0))
    assert (results['total_frames'], results['num_clip_frames']) == (60, 15)
    assert results['avg_fps'] == [10.0] * 3 and results['duration'] == pytest.approx(6.0)
    assert results['cached_imgs'].shape == (3, 15, RESIZE, RESIZE, 3)
    assert results['cached_fbank'].shape[::2] == (3, 128)
    assert results['frame_cache']['file'] == cache_file(cache_dir, 'Home1/01/3-Part1')
    assert 'video_readers' not in results


def test_a_view_subset_reads_the_rows_of_those_views(recording_root, cache_dir):
    decoded = _run(MultiViewDecordInit(), _info(recording_root, 0, views=[3, 1]))
    cached = _run(LoadMultiViewCache(cache_dir), _info(recording_root, 0, views=[3, 1]))
    assert cached['imgs'].shape[0] == 2
    np.testing.assert_array_equal(cached['imgs'], decoded['imgs'])
    np.testing.assert_allclose(cached['audio'], decoded['audio'], rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('views', [None, [3, 1]])
def test_jpeg_cache_gives_the_decoded_arrays_within_its_loss(recording_root, tmp_path, views):
    out = str(tmp_path / 'jpeg')
    build_frame_cache(recording_root, ['train.json'], out, resize=RESIZE, workers=1,
                      frame_format='jpeg')
    kwargs = {} if views is None else dict(views=views)
    decoded = _run(MultiViewDecordInit(), _info(recording_root, 0, **kwargs))
    cached = _run(LoadMultiViewCache(out), _info(recording_root, 0, **kwargs))
    assert cached['imgs'].dtype == np.uint8 and cached['imgs'].shape == decoded['imgs'].shape
    diff = np.abs(cached['imgs'].astype(int) - decoded['imgs'])
    assert diff.mean() <= 3 and diff.max() <= 64  # JPEG q90: a few levels, more on edges
    np.testing.assert_allclose(cached['audio'], decoded['audio'], rtol=1e-6, atol=1e-6)
    assert 'cached_imgs' not in cached


def test_missing_cache_file_names_recording_file_and_command(recording_root, tmp_path):
    info = _info(recording_root, 1)
    with pytest.raises(FileNotFoundError) as err:
        LoadMultiViewCache(str(tmp_path))(info)
    msg = str(err.value)
    assert 'Home1/01/4-Part1' in msg
    assert cache_file(str(tmp_path), 'Home1/01/4-Part1') in msg
    assert 'python tools/cache_frames.py' in msg and f'--out {tmp_path}' in msg
    assert f"--ann-file {osp.join(recording_root, 'train.json')}" in msg


def test_stale_cache_after_the_mp4_changed(recording_root, tmp_path):
    root = shutil.copytree(recording_root, str(tmp_path / 'data'))
    out = str(tmp_path / 'cache')
    build_frame_cache(root, ['train.json'], out, resize=RESIZE, workers=1)
    info = _info(root, 0)
    LoadMultiViewCache(out)(dict(info))  # fresh: fine
    write_recording(root, '01/3', seconds=5.0)  # the views are re-encoded, shorter
    with pytest.raises(RuntimeError, match='is stale') as err:
        LoadMultiViewCache(out)(info)
    msg = str(err.value)
    assert 'Home1/01/3-Part1' in msg and cache_file(out, 'Home1/01/3-Part1') in msg
    assert osp.join(root, 'Home1/01/3-View1-Part1.mp4') in msg and 'changed' in msg
    assert (f'python tools/cache_frames.py --data-root {root} --ann-file '
            f"{osp.join(root, 'train.json')} --out {out} --resize {RESIZE}") in msg
    os.remove(osp.join(root, 'Home1/01/3-View1-Part1.mp4'))
    with pytest.raises(RuntimeError, match='does not exist'):
        LoadMultiViewCache(out)(info)


def test_view_missing_from_the_cache_is_stale(recording_root, tmp_path):
    out = str(tmp_path / 'cache')
    build_frame_cache(recording_root, ['train.json'], out, resize=RESIZE, views=[1, 2],
                      workers=1)
    with pytest.raises(RuntimeError, match=r'holds views \[1, 2\], not \[3\]'):
        LoadMultiViewCache(out)(_info(recording_root, 0))


def test_settings_differing_from_the_cache_are_errors(recording_root, cache_dir):
    results = SampleMultiViewFrames(clip_len=4)(
        LoadMultiViewCache(cache_dir)(_info(recording_root, 0)))
    with pytest.raises(ValueError, match='resized to 32') as err:
        DecodeMultiViewVideo(resize=64)(dict(results))
    assert '--resize 64' in str(err.value) and 'Home1/01/3-Part1' in str(err.value)
    with pytest.raises(ValueError, match='num_mel_bins=128') as err:
        LoadAudioFbank(num_mel_bins=64)(dict(results))
    assert '--num-mel-bins 64' in str(err.value)


def test_registered_and_repr(tmp_path):
    transform = TRANSFORMS.build(dict(type='LoadMultiViewCache', cache_dir=str(tmp_path)))
    assert isinstance(transform, LoadMultiViewCache)
    assert repr(transform) == f'LoadMultiViewCache(cache_dir={str(tmp_path)!r})'
