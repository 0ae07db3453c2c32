import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

from mmvicokd.datasets.transforms import PackMultiViewInputs


def _results():
    rng = np.random.default_rng(0)
    return dict(
        recording_id='Home1/01/3-Part1', ann_file='/data/train.json', views=[1, 3],
        supervision='sequence',
        imgs=rng.integers(0, 256, (2, 3, 8, 6, 3), dtype=np.uint8),
        audio=rng.standard_normal((2, 3, 40, 128)).astype(np.float32),
        gt_label=np.array([0, 1, 1, 0], dtype=np.float32),
        frame_label=np.eye(4, dtype=np.float32)[[1, 2, 2]],
        frame_inds=np.array([1, 4, 7]),
        human_mask=np.array([[True, False, True], [False, False, True]]))


def test_packs_inputs_and_data_sample():
    results = _results()
    packed = PackMultiViewInputs()(results)
    video, audio = packed['inputs']['video'], packed['inputs']['audio']
    assert video.shape == (2, 3, 3, 8, 6) and video.dtype == torch.uint8
    # (V, T, H, W, 3) -> (V, T, 3, H, W)
    assert torch.equal(video, torch.from_numpy(results['imgs']).permute(0, 1, 4, 2, 3))
    assert audio.shape == (2, 3, 40, 128) and audio.dtype == torch.float32
    assert torch.equal(audio, torch.from_numpy(results['audio']))
    sample = packed['data_samples']
    assert isinstance(sample, ActionDataSample)
    assert torch.equal(sample.gt_label, torch.tensor([0., 1., 1., 0.]))
    assert sample.frame_label.shape == (3, 4) and sample.frame_label.dtype == torch.float32
    assert torch.equal(sample.frame_inds, torch.tensor([1, 4, 7]))
    assert sample.human_mask.dtype == torch.bool
    assert torch.equal(sample.human_mask, torch.from_numpy(results['human_mask']))
    assert sample.recording_id == 'Home1/01/3-Part1'
    assert sample.views == [1, 3] and sample.supervision == 'sequence'
    assert set(sample.metainfo_keys()) == {'recording_id', 'views', 'supervision'}


def test_video_only_and_no_mask():
    results = _results()
    del results['audio'], results['human_mask']
    packed = PackMultiViewInputs(keys=('video',))(results)
    assert list(packed['inputs']) == ['video']
    assert 'human_mask' not in packed['data_samples']


def test_missing_input_names_recording_and_file():
    results = _results()
    del results['audio']
    with pytest.raises(KeyError) as err:
        PackMultiViewInputs()(results)
    assert 'Home1/01/3-Part1' in str(err.value) and '/data/train.json' in str(err.value)


def test_rejects_unknown_keys():
    with pytest.raises(ValueError, match='subset'):
        PackMultiViewInputs(keys=('video', 'depth'))
    assert repr(PackMultiViewInputs()) == "PackMultiViewInputs(keys=('video', 'audio'))"
