"""Inference helpers: decoding steps from configs, batch inputs equal to the pipeline's,
checkpoint loading of recognizers and distillers, whole-recording scores."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmvicokd.apis.decoding_steps import DecodingSteps, decoding_steps
from mmvicokd.apis.grid_frame_buffer import GridFrameBuffer
from mmvicokd.apis.model_loading import load_recognizer
from mmvicokd.apis.recording_inference import (_batch_inputs, infer_recording,
                                               recording_info)
from mmvicokd.datasets.transforms import (DecodeMultiViewVideo, LoadAudioFbank,
                                          MultiViewDecordInit)
from tests.datasets.fixtures import write_recording
from tests.helpers.e2e import REPO

MODEL = dict(
    type='MultiViewAVRecognizer',
    visual_encoder=dict(type='TimmViTEncoder', arch='vit_tiny_patch16_224', img_size=32,
                        embed_dim=32, depth=1, num_heads=2),
    adapter=dict(type='CrossModalAdapter'),
    cross_attn=dict(type='CrossModalAttention', num_heads=2, num_views=3),
    fusion=dict(type='MultiTrans', num_classes=16, num_views=3))


@pytest.fixture(scope='module')
def recording(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('rec'))
    entry = write_recording(root, '01/5', num_views=3, seconds=6.0)
    files = [osp.join(root, entry[f'video_url_{v}']) for v in (1, 2, 3)]
    return recording_info('01/5-Part1', files, [1, 2, 3], 2.5, 'test')


def test_batch_inputs_equal_the_pipeline_transforms(recording):
    steps = DecodingSteps(MultiViewDecordInit(), DecodeMultiViewVideo(32), LoadAudioFbank(),
                          clip_len=4, fps=2.5)
    opened = steps.init.transform(dict(recording))
    fbanks = steps.audio.track_fbanks(opened)
    windows = np.array([[0, 1, 2, 3], [11, 12, 13, 14]])
    inputs = _batch_inputs(steps, GridFrameBuffer(steps.video, opened, chunk=5), fbanks, windows)
    assert inputs['video'].shape == (2, 3, 4, 3, 32, 32)
    assert inputs['audio'].shape == (2, 3, 4, 40, 128)
    for index, inds in enumerate(windows):
        results = steps.init.transform(dict(recording, frame_inds=inds))
        results = steps.audio.transform(steps.video.transform(results))
        expected = torch.from_numpy(results['imgs']).permute(0, 1, 4, 2, 3)
        torch.testing.assert_close(inputs['video'][index], expected)
        torch.testing.assert_close(inputs['audio'][index], torch.from_numpy(results['audio']))


def test_decoding_steps_replace_the_cache():
    cfg = Config.fromfile(osp.join(REPO, 'configs/demo/teacher_multiasl_synthetic_av_f.py'))
    steps = decoding_steps(cfg, use_audio=True)
    assert isinstance(steps.init, MultiViewDecordInit)
    assert (steps.clip_len, steps.fps, steps.video.resize) == (16, 2.5, 64)  # the demo config's clip_len
    assert isinstance(steps.audio, LoadAudioFbank)
    assert decoding_steps(cfg, use_audio=False).audio is None
    cfg.test_dataloader.dataset.pipeline = [dict(type='MultiViewDecordInit')]
    with pytest.raises(KeyError, match="no .*SampleMultiViewFrames"):
        decoding_steps(cfg, use_audio=False, where='x.py')


def save(path, state_dict):
    torch.save(dict(meta=dict(), state_dict=state_dict), path)
    return path


def test_load_recognizer_from_recognizer_and_distiller_checkpoints(tmp_path, recording):
    from mmaction.registry import MODELS
    from mmengine.registry import DefaultScope

    config = str(tmp_path / 'model.py')
    Config(dict(model=MODEL, test_dataloader=dict(dataset=dict(pipeline=[])))).dump(config)
    with DefaultScope.overwrite_default_scope('mmaction'):
        torch.manual_seed(3)
        trained = MODELS.build(MODEL)
    state = trained.state_dict()
    plain = save(str(tmp_path / 'plain.pth'), state)
    distiller = save(str(tmp_path / 'distiller.pth'), {
        **{'student.' + k: v for k, v in state.items()}, 'teacher.x': torch.zeros(1)})
    for ckpt in (plain, distiller):
        model, _ = load_recognizer(config, ckpt)
        assert not model.training
        for key, value in model.state_dict().items():
            torch.testing.assert_close(value, state[key])
    broken = save(str(tmp_path / 'broken.pth'),
                  {k: v for k, v in state.items() if not k.startswith('fusion.')})
    with pytest.raises(RuntimeError, match='does not fit the recognizer .*missing keys: fusion'):
        load_recognizer(config, broken)

    steps = DecodingSteps(MultiViewDecordInit(), DecodeMultiViewVideo(32), None, clip_len=6,
                          fps=2.5)
    result = infer_recording(model, steps, recording, batch_size=2, stride=4, progress=False)
    assert result['num_frames'] == 15 and result['windows'].shape == (4, 6)
    assert result['frame_scores'].shape == (15, 16) and result['seq_scores'].shape == (16,)
    np.testing.assert_allclose(result['seq_scores'], result['window_seq_scores'].max(0))
    with pytest.raises(ValueError, match=r'2 video\(s\) given, but the model was built for 3'):
        infer_recording(model, steps, dict(recording, filenames=recording['filenames'][:2]))
