"""build_frame_cache: one npz per recording, resumable, atomic, stale files rebuilt; formats."""
import json
import os
import os.path as osp
import shutil
import zipfile

import numpy as np
import pytest

from mmvicokd.datasets.caches import frame_cache
from mmvicokd.datasets.caches.frame_cache import (build_frame_cache, cache_file, read_cache,
                                           savez_deterministic)
from mmvicokd.datasets.caches.jpeg_frames import JpegFrames
from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset
from mmvicokd.datasets.transforms import LoadMultiViewCache

from ..fixtures import GREY_STEP, VIEW_COLOURS, write_json, write_recording

REC = 'Home1/01/3-Part1'


@pytest.fixture
def root(recording_root, tmp_path):
    """A private copy of the session recordings (mtimes kept), free to modify."""
    return shutil.copytree(recording_root, str(tmp_path / 'data'))


def _build(root, out, **kwargs):
    kwargs.setdefault('resize', 32)
    kwargs.setdefault('workers', 1)
    return build_frame_cache(root, ['train.json'], out, **kwargs)


def _mtimes(out):
    return {rec: os.stat(cache_file(out, rec)).st_mtime_ns
            for rec in (REC, 'Home1/01/4-Part1')}


def test_writes_grid_frames_and_track_fbanks_per_recording(root, tmp_path):
    out = str(tmp_path / 'cache')
    summary = _build(root, out, workers=2)
    assert (summary['num_recordings'], summary['built'], summary['up_to_date']) == (2, 2, 0)
    assert summary['disk_bytes'] == sum(
        osp.getsize(cache_file(out, r)) for r in (REC, 'Home1/01/4-Part1'))
    meta, video, fbank = read_cache(cache_file(out, REC), REC)
    # 6 s at 2.5 FPS: T_full = 15 grid frames per view, 3 views, resized to 32x32
    assert video.shape == (3, 15, 32, 32, 3) and video.dtype == np.uint8
    # grid frame i is native frame 4i (10 fps), whose right half has grey 4 * GREY_STEP * i
    grey = video[:, :, :, 20:30].reshape(3, 15, -1).mean(-1) / GREY_STEP
    np.testing.assert_array_equal(np.round(grey), np.broadcast_to(4 * np.arange(15), (3, 15)))
    for v in range(3):
        np.testing.assert_allclose(video[v, :, :, 2:14].reshape(-1, 3).mean(0),
                                   VIEW_COLOURS[v], atol=6)
    assert fbank.dtype == np.float32 and fbank.shape[::2] == (3, 128)
    assert 590 < fbank.shape[1] < 610  # about 6 s at 100 fbank frames per second
    assert meta['recording_id'] == REC and meta['views'] == [1, 2, 3]
    assert (meta['fps'], meta['resize'], meta['num_mel_bins'], meta['sample_rate']) == (
        2.5, 32, 128, 16000)
    assert meta['num_frames'] == [60, 60, 60] and meta['avg_fps'] == [10.0] * 3
    assert [s['name'] for s in meta['sources']] == [f'3-View{v}-Part1.mp4' for v in (1, 2, 3)]
    mp4 = osp.join(root, 'Home1/01/3-View2-Part1.mp4')
    assert meta['sources'][1]['size'] == os.stat(mp4).st_size
    assert meta['sources'][1]['mtime_ns'] == os.stat(mp4).st_mtime_ns
    assert meta['data_root'] == osp.abspath(root)
    assert meta['ann_file'] == osp.join(osp.abspath(root), 'train.json')


def test_second_run_skips_up_to_date_recordings(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out)
    before = _mtimes(out)
    summary = _build(root, out)
    assert (summary['built'], summary['up_to_date']) == (0, 2)
    assert _mtimes(out) == before


def test_changed_view_file_or_settings_rebuild(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out)
    before = _mtimes(out)
    mp4 = osp.join(root, 'Home1/01/4-View3-Part1.mp4')
    stat = os.stat(mp4)
    os.utime(mp4, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))
    assert _build(root, out)['built'] == 1
    after = _mtimes(out)
    assert after[REC] == before[REC] and after['Home1/01/4-Part1'] != before['Home1/01/4-Part1']
    assert _build(root, out, resize=40)['built'] == 2
    assert read_cache(cache_file(out, REC), REC)[1].shape == (3, 15, 40, 40, 3)


def test_failed_write_leaves_no_partial_file(root, tmp_path, monkeypatch):
    out = str(tmp_path / 'cache')
    _build(root, out)
    good = open(cache_file(out, REC), 'rb').read()

    def broken_savez(f, **arrays):
        f.write(b'PK partial zip')
        raise OSError('disk full')

    monkeypatch.setattr(frame_cache, 'savez_deterministic', broken_savez)
    with pytest.raises(OSError, match='disk full'):
        _build(root, out, resize=40)
    # the old file is untouched and no temporary file is left behind
    assert open(cache_file(out, REC), 'rb').read() == good
    leftovers = [f for _, _, files in os.walk(out) for f in files if not f.endswith('.npz')]
    assert leftovers == []
    monkeypatch.undo()
    fresh = str(tmp_path / 'fresh')
    monkeypatch.setattr(frame_cache, 'savez_deterministic', broken_savez)
    with pytest.raises(OSError):
        _build(root, fresh)
    assert [f for _, _, files in os.walk(fresh) for f in files] == []


def test_views_and_several_annotation_files(root, tmp_path):
    with open(osp.join(root, 'train.json')) as f:
        entries = json.load(f)
    write_json(osp.join(root, 'test.json'), entries[1:])  # repeats recording 4: cached once
    out = str(tmp_path / 'cache')
    summary = build_frame_cache(root, ['train.json', osp.join(root, 'test.json')], out,
                                resize=16, views=[3, 1], workers=1)
    assert (summary['num_recordings'], summary['built']) == (2, 2)
    meta, video, fbank = read_cache(cache_file(out, REC), REC)
    assert meta['views'] == [3, 1] and video.shape == (2, 15, 16, 16, 3)
    np.testing.assert_allclose(video[0, :, :, 1:6].reshape(-1, 3).mean(0), VIEW_COLOURS[2],
                               atol=8)


def test_recording_without_audio_names_recording_and_file(tmp_path):
    root = str(tmp_path / 'data')
    entry = write_recording(root, '02/9', num_views=2, seconds=1.0, audio_views=[1])
    entry['tricks'] = [dict(start=0.0, end=0.5, labels=['Drink'])]
    write_json(osp.join(root, 'train.json'), [entry])
    with pytest.raises(ValueError, match='no audio track') as err:
        build_frame_cache(root, ['train.json'], str(tmp_path / 'cache'), resize=16, workers=2)
    assert 'Home1/02/9-Part1' in str(err.value)
    assert osp.join(root, entry['video_url_2']) in str(err.value)


def test_unreadable_cache_file_is_rebuilt_and_reported_by_read_cache(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out)
    path = cache_file(out, REC)
    with open(path, 'wb') as f:
        f.write(b'garbage')
    with pytest.raises(RuntimeError, match='cannot read frame cache file') as err:
        read_cache(path, REC)
    assert REC in str(err.value) and path in str(err.value)
    assert _build(root, out)['built'] == 1
    assert read_cache(path, REC)[0]['recording_id'] == REC


def _members(path):
    """Stored (compressed) bytes of each ``.npz`` member."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename[:-len('.npy')]: i.compress_size for i in zf.infolist()}


def test_jpeg_format_is_recorded_smaller_and_within_tolerance(root, tmp_path):
    raw, jpeg = str(tmp_path / 'raw'), str(tmp_path / 'jpeg')
    _build(root, raw)
    summary = _build(root, jpeg, frame_format='jpeg')
    assert (summary['frame_format'], summary['jpeg_quality']) == ('jpeg', 90)
    meta, video, fbank = read_cache(cache_file(jpeg, REC), REC)
    assert (meta['format'], meta['frame_format'], meta['jpeg_quality'], meta['fbank_dtype']) == (
        3, 'jpeg', 90, 'float32')
    assert isinstance(video, JpegFrames) and video.shape == (3, 15, 32, 32, 3)
    _, raw_video, raw_fbank = read_cache(cache_file(raw, REC), REC)
    # JPEG is lossy: within a few levels on average, up to 64 on the colour/grey edge (4:2:0
    # chroma); the regions keep their colours and grey steps
    diff = np.abs(np.asarray(video).astype(int) - raw_video)
    assert diff.mean() <= 3 and diff.max() <= 64
    grey = np.asarray(video)[:, :, :, 20:30].reshape(3, 15, -1).mean(-1) / GREY_STEP
    np.testing.assert_allclose(grey, np.broadcast_to(4 * np.arange(15), (3, 15)), atol=1)
    np.testing.assert_array_equal(fbank, raw_fbank)  # float32 fbanks: bitwise
    # 45 frames of 32 x 32 x 3 = 138,240 bytes raw; their JPEGs take less than a quarter
    sizes = _members(cache_file(jpeg, REC))
    assert _members(cache_file(raw, REC))['video'] == 138240 + 128  # + the .npy header
    assert sizes['video_jpeg'] < 138240 / 4
    assert osp.getsize(cache_file(jpeg, REC)) < osp.getsize(cache_file(raw, REC))


def test_deflate_format_and_float16_fbank(root, tmp_path):
    raw, small = str(tmp_path / 'raw'), str(tmp_path / 'small')
    _build(root, raw)
    _build(root, small, frame_format='deflate', fbank_dtype='float16')
    meta, video, fbank = read_cache(cache_file(small, REC), REC)
    assert (meta['frame_format'], meta['jpeg_quality'], meta['fbank_dtype']) == (
        'deflate', None, 'float16')
    _, raw_video, raw_fbank = read_cache(cache_file(raw, REC), REC)
    np.testing.assert_array_equal(video, raw_video)  # deflate is lossless
    # float16 keeps 11 significant bits: each value within 2**-11 of its magnitude
    assert fbank.dtype == np.float32 and fbank.shape == raw_fbank.shape
    assert np.all(np.abs(fbank - raw_fbank) <= np.abs(raw_fbank) * 2 ** -11)
    # flat test frames deflate to almost nothing; float16 fbanks are half before deflating
    sizes, raw_sizes = _members(cache_file(small, REC)), _members(cache_file(raw, REC))
    assert sizes['video'] < raw_sizes['video'] / 10
    assert sizes['fbank'] < raw_sizes['fbank'] / 2


def test_another_format_rebuilds_and_the_same_is_up_to_date(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out)
    assert _build(root, out, frame_format='jpeg')['built'] == 2
    assert _build(root, out, frame_format='jpeg', jpeg_quality=90)['up_to_date'] == 2
    assert _build(root, out, frame_format='jpeg', jpeg_quality=70)['built'] == 2
    assert _build(root, out, frame_format='jpeg', jpeg_quality=70,
                  fbank_dtype='float16')['built'] == 2
    with pytest.raises(ValueError, match='needs frame format jpeg'):
        _build(root, out, jpeg_quality=70)
    with pytest.raises(ValueError, match='frame format must be one of'):
        _build(root, out, frame_format='png')


def test_format_2_files_read_as_raw_and_stay_up_to_date(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out)
    for rec in (REC, 'Home1/01/4-Part1'):  # as the previous code wrote them
        meta, video, fbank = read_cache(cache_file(out, rec), rec)
        meta = {k: v for k, v in meta.items() if k not in ('frame_format', 'jpeg_quality',
                                                           'fbank_dtype')}
        with open(cache_file(out, rec), 'wb') as f:
            savez_deterministic(f, video=video, fbank=fbank,
                                meta=np.array(json.dumps(dict(meta, format=2))))
    assert _build(root, out)['up_to_date'] == 2
    assert read_cache(cache_file(out, REC), REC)[1].shape == (3, 15, 32, 32, 3)


def test_partial_jpeg_file_is_an_error_naming_it(root, tmp_path):
    out = str(tmp_path / 'cache')
    _build(root, out, frame_format='jpeg')
    path = cache_file(out, REC)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays['video_jpeg'] = arrays['video_jpeg'][:1000]
    with open(path, 'wb') as f:
        savez_deterministic(f, **arrays)
    with pytest.raises(RuntimeError, match='cannot read frame cache file') as err:
        read_cache(path, REC)
    assert path in str(err.value) and 'do not index 45 frames in 1000 bytes' in str(err.value)
    info = MultiSensorHomeDataset(ann_file='train.json', data_root=root).get_data_info(0)
    with pytest.raises(RuntimeError, match='partial or corrupt: delete it') as err:
        LoadMultiViewCache(out)(info)
    assert REC in str(err.value) and path in str(err.value)
