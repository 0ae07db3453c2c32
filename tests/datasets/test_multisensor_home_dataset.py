import importlib
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

from mmvicokd.datasets.functional import frame_labels, video_frame_indices
from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset
from mmvicokd.datasets.transforms.load_audio_fbank import (AST_FBANK_MEAN, AST_FBANK_STD,
                                                           decode_audio_track, kaldi_fbank)

from .fixtures import CLASSES, GREY_STEP, VIEW_COLOURS, write_json, write_recording

DRINK, EAT, SITDOWN = 4, 5, 10
T = 6


def _pipeline(test_mode=True, clip_len=T):
    return [
        dict(type='MultiViewDecordInit'),
        dict(type='SampleMultiViewFrames', clip_len=clip_len, test_mode=test_mode),
        dict(type='DecodeMultiViewVideo', resize=32),
        dict(type='LoadAudioFbank'),
        dict(type='LoadFrameLabels'),
        dict(type='LoadHumanMasks'),
        dict(type='PackMultiViewInputs'),
    ]


def _dataset(root, ann_file='train.json', test_mode=True, **kwargs):
    init_default_scope('mmaction')
    kwargs.setdefault('human_mask_file', 'human_masks.json')
    return MultiSensorHomeDataset(ann_file=ann_file, data_root=root,
                                  pipeline=_pipeline(test_mode), test_mode=test_mode, **kwargs)


def test_data_list_from_a_list_annotation(recording_root):
    dataset = _dataset(recording_root)
    assert len(dataset) == 2
    assert dataset.metainfo['classes'] == CLASSES
    info = dataset.get_data_info(0)
    assert info['recording_id'] == 'Home1/01/3-Part1'
    assert info['ann_file'] == osp.join(recording_root, 'train.json')
    assert info['filenames'] == [osp.join(recording_root, f'Home1/01/3-View{v}-Part1.mp4')
                                 for v in (1, 2, 3)]
    assert info['views'] == [1, 2, 3]
    assert info['tricks'] == [dict(start=0.5, end=2.0, labels=[DRINK]),
                              dict(start=3.0, end=5.2, labels=[EAT, DRINK])]
    expected = np.zeros(16, dtype=np.float32)
    expected[[DRINK, EAT]] = 1
    np.testing.assert_array_equal(info['gt_label'], expected)
    assert info['num_classes'] == 16 and info['fps'] == 2.5 and info['supervision'] == 'frame'
    assert info['human_mask_scores'].shape == (3, 15)
    assert dataset.get_data_info(1)['recording_id'] == 'Home1/01/4-Part1'


def test_dict_annotation_view_subset_and_classes(recording_root, tmp_path):
    raw = {'rec-a': {f'video_url_{v}': f'Home1/01/3-View{v}-Part1.mp4' for v in (1, 2, 3)}}
    raw['rec-a']['tricks'] = [dict(start=1.0, end=2.0, labels=['Eat'])]
    write_json(str(tmp_path / 'dict.json'), raw)
    scores = np.arange(5 * 4, dtype=np.float32).reshape(5, 4) / 20
    write_json(str(tmp_path / 'masks.json'), {'rec-a': scores.tolist()})
    dataset = MultiSensorHomeDataset(
        ann_file=str(tmp_path / 'dict.json'), data_root=recording_root, views=[1, 3],
        classes=('Drink', 'Eat'), supervision='sequence',
        human_mask_file=str(tmp_path / 'masks.json'))
    info = dataset.get_data_info(0)
    assert info['recording_id'] == 'rec-a'
    assert info['views'] == [1, 3]
    assert [osp.basename(f) for f in info['filenames']] == ['3-View1-Part1.mp4',
                                                            '3-View3-Part1.mp4']
    assert dataset.metainfo['classes'] == ('Drink', 'Eat')
    np.testing.assert_array_equal(info['gt_label'], [0, 1])
    assert info['supervision'] == 'sequence' and info['num_classes'] == 2
    np.testing.assert_array_equal(info['human_mask_scores'], scores[[0, 2]])


def _check_sample(dataset, index, out):
    """Video, audio, labels and masks of ``out`` all come from ``frame_inds``."""
    info = dataset.get_data_info(index)
    sample = out['data_samples']
    inds = sample.frame_inds.numpy()
    video, audio = out['inputs']['video'].numpy(), out['inputs']['audio'].numpy()
    assert video.shape == (3, T, 3, 32, 32) and audio.shape == (3, T, 40, 128)
    assert sample.frame_label.shape == (T, 16) and sample.human_mask.shape == (3, T)
    # video: each view's colour, and the native frame encoded in the grey half
    for v in range(3):
        np.testing.assert_allclose(video[v, :, :, :, 2:14].mean((0, 2, 3)), VIEW_COLOURS[v],
                                   atol=6)
    grey = np.round(video[:, :, :, :, 20:30].mean((2, 3, 4)) / GREY_STEP)
    np.testing.assert_array_equal(grey, np.broadcast_to(
        video_frame_indices(inds, 2.5, 10.0, 60), (3, T)))
    # audio: the fbank windows starting at frame_inds / 2.5 s, AST-normalised
    waveform, rate = decode_audio_track(info['filenames'][2], 'test')
    fbank = (kaldi_fbank(waveform, rate) - AST_FBANK_MEAN) / (2 * AST_FBANK_STD)
    for t, i in enumerate(inds):
        start = int(round(i * 40))
        np.testing.assert_allclose(audio[2, t], fbank[start:start + 40], rtol=1e-5, atol=1e-4)
    # labels and masks at the same indices
    full = frame_labels(info['tricks'], 15, 16, 2.5)
    np.testing.assert_array_equal(sample.frame_label.numpy(), full[inds])
    np.testing.assert_array_equal(sample.human_mask.numpy(),
                                  info['human_mask_scores'][:, inds] >= 0.25)
    np.testing.assert_array_equal(sample.gt_label.numpy(), info['gt_label'])
    assert sample.recording_id == info['recording_id'] and sample.views == [1, 2, 3]
    return inds


def test_full_pipeline_test_mode(recording_root):
    dataset = _dataset(recording_root, test_mode=True)
    out = dataset[0]
    inds = _check_sample(dataset, 0, out)
    np.testing.assert_array_equal(inds, [1, 3, 6, 8, 11, 13])  # floor((i + 0.5) * 15 / 6)
    assert out['inputs']['video'].dtype == torch.uint8


def test_full_pipeline_train_mode_perturbs_indices(recording_root):
    dataset = _dataset(recording_root, test_mode=False)
    draws = []
    for seed in (0, 1):
        np.random.seed(seed)
        draws.append(_check_sample(dataset, 1, dataset[1]))
    assert not np.array_equal(draws[0], draws[1])
    bounds = np.arange(T + 1) * 15 / T
    for inds in draws:
        assert np.all(inds >= np.floor(bounds[:-1])) and np.all(inds < bounds[1:])


# --- bad input: each error names the recording and the file --------------------------------

def _small_root(tmp_path, tricks=None, audio_views=None, views=2):
    entry = write_recording(str(tmp_path), '05/1', num_views=views, seconds=2.0,
                            audio_views=audio_views)
    entry['tricks'] = tricks or [dict(start=0.2, end=1.0, labels=['Enter'])]
    write_json(str(tmp_path / 'ann.json'), [entry])
    write_json(str(tmp_path / 'human_masks.json'), {'Home1/05/1-Part1': [[0.9] * 5] * views})
    return str(tmp_path)


def test_missing_view_file(tmp_path):
    root = _small_root(tmp_path)
    missing = osp.join(root, 'Home1/05/1-View2-Part1.mp4')
    os.remove(missing)
    with pytest.raises(FileNotFoundError) as err:
        _dataset(root, 'ann.json')[0]
    assert 'Home1/05/1-Part1' in str(err.value) and missing in str(err.value)


def test_mp4_without_audio_track(tmp_path):
    root = _small_root(tmp_path, audio_views=[1])
    with pytest.raises(ValueError, match='no audio track') as err:
        _dataset(root, 'ann.json')[0]
    assert 'Home1/05/1-Part1' in str(err.value)
    assert osp.join(root, 'Home1/05/1-View2-Part1.mp4') in str(err.value)


def test_trick_outside_the_video(tmp_path):
    root = _small_root(tmp_path, tricks=[dict(start=2.5, end=2.8, labels=['Exit'])])
    with pytest.raises(ValueError, match='outside the video') as err:
        _dataset(root, 'ann.json')[0]
    assert 'Home1/05/1-Part1' in str(err.value)
    assert osp.join(root, 'ann.json') in str(err.value)


def test_trick_past_the_end_is_clipped_and_counted(tmp_path, monkeypatch):
    """A 2-s recording (5 grid frames) whose trick ends 3 s past it trains on what it shows."""
    logged = []
    monkeypatch.setattr(importlib.import_module(MultiSensorHomeDataset.__module__), 'print_log',
                        lambda msg, **kw: logged.append(msg))
    root = _small_root(tmp_path, tricks=[dict(start=1.0, end=5.0, labels=['Exit'])])
    dataset = _dataset(root, 'ann.json')
    assert len(logged) == 1 and logged[0].startswith('1 trick(s) in 1 recording(s) of')
    label = dataset[0]['data_samples'].frame_label
    assert label.shape[0] == T and label[:, CLASSES.index('Exit')].any()


def test_unknown_class_name(tmp_path):
    root = _small_root(tmp_path, tricks=[dict(start=0.0, end=1.0, labels=['Dance'])])
    with pytest.raises(ValueError, match="unknown class name.*'Dance'") as err:
        _dataset(root, 'ann.json')
    assert 'Home1/05/1-Part1' in str(err.value)
    assert osp.join(root, 'ann.json') in str(err.value)


def test_mask_file_without_the_recording(tmp_path):
    root = _small_root(tmp_path)
    write_json(str(tmp_path / 'other_masks.json'), {'Home1/05/2-Part1': [[0.5]]})
    with pytest.raises(ValueError, match='missing from the human mask file') as err:
        _dataset(root, 'ann.json', human_mask_file='other_masks.json')
    assert 'Home1/05/1-Part1' in str(err.value)
    assert osp.join(root, 'other_masks.json') in str(err.value)


def test_view_number_not_in_entry(tmp_path):
    root = _small_root(tmp_path)
    with pytest.raises(ValueError, match=r'no view\(s\) \[4\]') as err:
        _dataset(root, 'ann.json', views=[1, 4])
    assert 'Home1/05/1-Part1' in str(err.value)
    assert osp.join(root, 'ann.json') in str(err.value)


def test_recordings_with_different_views_need_a_subset(tmp_path):
    root = str(tmp_path)
    e1 = write_recording(root, '05/1', num_views=2, seconds=1.0)
    e2 = write_recording(root, '05/2', num_views=3, seconds=1.0)
    write_json(str(tmp_path / 'ann.json'), [dict(e1, tricks=[]), dict(e2, tricks=[])])
    with pytest.raises(ValueError, match='different views'):
        _dataset(root, 'ann.json', human_mask_file=None)
    assert len(_dataset(root, 'ann.json', human_mask_file=None, views=[1, 2])) == 2


def test_entry_without_tricks(tmp_path):
    root = _small_root(tmp_path)
    entry = write_recording(root, '05/1', num_views=2, seconds=1.0)
    write_json(str(tmp_path / 'no_tricks.json'), [entry])
    with pytest.raises(ValueError, match='no "tricks" list') as err:
        _dataset(root, 'no_tricks.json')
    assert 'Home1/05/1-Part1' in str(err.value)


def test_duplicate_recording_in_list(tmp_path):
    root = _small_root(tmp_path)
    entry = write_recording(root, '05/1', num_views=2, seconds=1.0)
    write_json(str(tmp_path / 'dup.json'), [dict(entry, tricks=[]), dict(entry, tricks=[])])
    with pytest.raises(ValueError, match='more than once'):
        _dataset(root, 'dup.json')


def test_missing_data_root_points_to_the_demo(tmp_path):
    root = str(tmp_path / 'MultiSensor-Home')
    with pytest.raises(FileNotFoundError, match='make demo') as err:
        _dataset(root, 'Home1/train.json', human_mask_file=None)
    assert root in str(err.value) and 'data_root' in str(err.value)


def test_missing_annotation_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='make demo') as err:
        _dataset(str(tmp_path), 'test_data.json', human_mask_file=None)
    assert osp.join(str(tmp_path), 'test_data.json') in str(err.value)


def test_bad_arguments(recording_root):
    with pytest.raises(ValueError, match='supervision'):
        _dataset(recording_root, supervision='clip')
    with pytest.raises(ValueError, match='views'):
        _dataset(recording_root, views=[0, 1])
