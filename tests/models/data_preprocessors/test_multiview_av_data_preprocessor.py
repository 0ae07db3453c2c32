import pytest
import torch
from mmaction.structures import ActionDataSample

from mmvicokd.models.data_preprocessors import MultiViewAVDataPreprocessor


def _batch(b=2, v=2, t=3, h=4, w=5):
    g = torch.Generator().manual_seed(0)
    video = [torch.randint(0, 256, (v, t, 3, h, w), generator=g, dtype=torch.uint8)
             for _ in range(b)]
    audio = [torch.randn(v, t, 40, 128, generator=g) for _ in range(b)]
    samples = [ActionDataSample(recording_id=f'r{i}') for i in range(b)]
    return dict(inputs=dict(video=video, audio=audio), data_samples=samples)


def test_default_normalisation_maps_0_255_to_minus1_1():
    video = torch.tensor([0, 127, 255], dtype=torch.uint8).view(1, 1, 1, 3, 1, 1).expand(
        1, 1, 1, 3, 2, 2).contiguous()
    out = MultiViewAVDataPreprocessor()(dict(inputs=dict(video=[video[0]])))
    x = out['inputs']['video']
    assert x.shape == (1, 1, 1, 3, 2, 2)  # (B, V, T, 3, H, W)
    # (0 - 127.5) / 127.5 = -1, (127 - 127.5) / 127.5 = -1/255, (255 - 127.5) / 127.5 = 1
    torch.testing.assert_close(x[0, 0, 0, :, 0, 0], torch.tensor([-1.0, -1 / 255, 1.0]))


def test_stacks_and_normalises_per_channel():
    batch = _batch()
    mean, std = (10.0, 20.0, 30.0), (2.0, 4.0, 5.0)
    out = MultiViewAVDataPreprocessor(mean=mean, std=std)(batch, training=True)
    video, audio = out['inputs']['video'], out['inputs']['audio']
    assert video.shape == (2, 2, 3, 3, 4, 5) and video.dtype == torch.float32
    assert audio.shape == (2, 2, 3, 40, 128) and audio.dtype == torch.float32
    for c in range(3):
        expected = (batch['inputs']['video'][1][:, :, c].float() - mean[c]) / std[c]
        torch.testing.assert_close(video[1, :, :, c], expected)
    torch.testing.assert_close(audio[0], batch['inputs']['audio'][0])
    assert [s.recording_id for s in out['data_samples']] == ['r0', 'r1']


def test_accepts_an_already_stacked_batch():
    batch = _batch()
    stacked = dict(inputs={k: torch.stack(v) for k, v in batch['inputs'].items()},
                   data_samples=batch['data_samples'])
    a = MultiViewAVDataPreprocessor()(batch)['inputs']
    b = MultiViewAVDataPreprocessor()(stacked)['inputs']
    torch.testing.assert_close(a['video'], b['video'])
    torch.testing.assert_close(a['audio'], b['audio'])


def test_video_only_batch():
    batch = _batch()
    del batch['inputs']['audio']
    out = MultiViewAVDataPreprocessor()(batch)
    assert list(out['inputs']) == ['video']


def test_mismatched_shapes_are_a_clear_error():
    batch = _batch()
    batch['inputs']['video'][1] = batch['inputs']['video'][1][:, :2]
    with pytest.raises(ValueError, match="cannot batch input 'video'"):
        MultiViewAVDataPreprocessor()(batch)


def test_mean_std_are_buffers_not_checkpoint_state():
    pre = MultiViewAVDataPreprocessor()
    assert dict(pre.named_buffers()).keys() == {'mean', 'std'}
    assert pre.state_dict() == {}
    with pytest.raises(ValueError, match='3'):
        MultiViewAVDataPreprocessor(mean=(0.5,), std=(0.5,))


def test_built_from_the_registry():
    from mmaction.registry import MODELS
    pre = MODELS.build(dict(type='MultiViewAVDataPreprocessor', mean=[0, 0, 0], std=[1, 1, 1]))
    out = pre(_batch(b=1))
    torch.testing.assert_close(out['inputs']['video'],
                               _batch(b=1)['inputs']['video'][0][None].float())
