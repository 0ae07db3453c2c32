"""Encoder-feature cache: extraction, pixel/cached parity, resume, staleness, model checks."""
import copy
import json
import os
import os.path as osp
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

from mmaction.registry import MODELS
from mmvicokd.apis.feature_extraction import build_feature_cache, build_model_like_runner
from mmvicokd.datasets.caches.feature_cache import (extract_command, feature_file, read_features,
                                                    read_manifest)
from mmvicokd.datasets.multisensor_home_dataset import MultiSensorHomeDataset
from mmvicokd.datasets.transforms import LoadMultiViewFeatures, MultiViewFeatureInit
from mmvicokd.models.cached_encoders import cached_encoders, check_model

REC = 'Home1/01/3-Part1'
D, FA, PX = 32, 16, 32
VISUAL = dict(type='TimmViTEncoder', arch='vit_tiny_patch16_224', img_size=PX, embed_dim=D,
              depth=1, num_heads=2, patch_size=16, frozen=True)
AUDIO = dict(type='ASTEncoder', embed_dim=D, depth=1, num_heads=2, input_tdim=FA, fstride=16,
             tstride=16, frozen=True)
TEACHER = dict(type='MultiViewAVRecognizer', visual_encoder=VISUAL, audio_encoder=AUDIO,
               fusion=dict(type='MultiASL', num_classes=16, num_views=3, temporal_heads=2,
                           dropout=0.0),
               cross_attn=dict(type='CrossModalAttention', num_heads=2, num_views=3))
STUDENT = dict(TEACHER, audio_encoder=None, adapter=dict(type='CrossModalAdapter'))


# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


@pytest.fixture
def root(recording_root, tmp_path):
    """A private copy of the session recordings (mtimes kept), free to modify."""
    return shutil.copytree(recording_root, str(tmp_path / 'data'))


def make_cfg(root: str, model: dict = TEACHER, seed: int = 0) -> Config:
    dataset = dict(type='MultiSensorHomeDataset', data_root=root, ann_file='train.json')
    return Config(dict(default_scope='mmaction', randomness=dict(seed=seed),
                       model=copy.deepcopy(model), train_dataloader=dict(dataset=dataset),
                       test_dataloader=dict(dataset=dict(dataset, ann_file='train.json'))))


def build(cfg, out, **kwargs):
    kwargs.setdefault('chunk_frames', 4)  # T_full = 15: chunks of 4, 4, 4, 3
    return build_feature_cache(cfg, out, **kwargs)


def sample(root, pipeline, index=0):
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = MultiSensorHomeDataset(ann_file='train.json', data_root=root,
                                         pipeline=pipeline, human_mask_file='human_masks.json',
                                         test_mode=True)
    return dataset[index]


PIXELS = [dict(type='MultiViewDecordInit'),
          dict(type='SampleMultiViewFrames', clip_len=8, test_mode=True),
          dict(type='DecodeMultiViewVideo', resize=PX),
          dict(type='LoadAudioFbank', window=FA / 100),
          dict(type='LoadFrameLabels'), dict(type='LoadHumanMasks'),
          dict(type='PackMultiViewInputs')]


def features_pipeline(cache_dir, keys=('visual', 'audio')):
    return [dict(type='MultiViewFeatureInit', cache_dir=cache_dir),
            dict(type='SampleMultiViewFrames', clip_len=8, test_mode=True),
            dict(type='LoadMultiViewFeatures', keys=keys),
            dict(type='LoadFrameLabels'), dict(type='LoadHumanMasks'),
            dict(type='PackMultiViewInputs', keys=tuple(f'{k}_feat' for k in keys))]


def logits(model, packed):
    data = model.data_preprocessor(pseudo_collate([packed]), training=False)
    with torch.no_grad():
        feats = model.extract_feat(data['inputs'])
    return feats, model.predict_scores(feats)


@pytest.mark.parametrize('dtype,tol', [('float32', 1e-5), ('float16', 1e-3)])
def test_cached_features_give_the_pixel_logits(root, tmp_path, dtype, tol):
    cfg = make_cfg(root)
    out = str(tmp_path / 'feat')
    summary = build(cfg, out, dtype=dtype)
    assert (summary['num_recordings'], summary['built']) == (2, 2)
    meta, arrays = read_features(feature_file(out, REC), REC)
    # 6 s at 2.5 FPS: 15 grid frames per view, 3 views, D = 32, visual and audio (teacher)
    assert {k: (v.shape, v.dtype) for k, v in arrays.items()} == {
        'visual': ((3, 15, D), np.dtype(dtype)), 'audio': ((3, 15, D), np.dtype(dtype))}
    assert meta['views'] == [1, 2, 3] and meta['t_full'] == 15
    manifest = read_manifest(out)
    assert manifest['dtype'] == dtype and manifest['decode']['resize'] == PX
    assert manifest['decode']['window_frames'] == FA

    model = build_model_like_runner(cfg)  # the weights the extraction used
    pixel_feats, (pixel_seq, pixel_frame) = logits(model, sample(root, PIXELS))
    packed = sample(root, features_pipeline(out))
    assert set(packed['inputs']) == {'visual_feat', 'audio_feat'}
    assert packed['inputs']['visual_feat'].shape == (3, 8, D)
    cached_feats, (cached_seq, cached_frame) = logits(model, packed)
    for key in ('seq_logits', 'frame_logits', 'visual', 'audio'):
        torch.testing.assert_close(cached_feats[key], pixel_feats[key], atol=tol, rtol=0)
    torch.testing.assert_close(cached_seq, pixel_seq, atol=tol, rtol=0)
    torch.testing.assert_close(cached_frame, pixel_frame, atol=tol, rtol=0)


def test_resume_and_stale_files(root, tmp_path):
    cfg = make_cfg(root)
    out = str(tmp_path / 'feat')
    build(cfg, out)
    path = feature_file(out, REC)
    before = os.stat(path).st_mtime_ns
    assert build(cfg, out)['built'] == 0
    assert os.stat(path).st_mtime_ns == before

    mp4 = osp.join(root, 'Home1/01/3-View2-Part1.mp4')
    stat = os.stat(mp4)
    os.utime(mp4, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))
    with pytest.raises(RuntimeError, match=r'recording Home1/01/3-Part1 .*stale: .*'
                                           r'3-View2-Part1.mp4 changed.*extract_features.py'):
        sample(root, features_pipeline(out))
    assert build(cfg, out)['built'] == 1
    sample(root, features_pipeline(out))  # fresh again

    os.remove(path)
    with pytest.raises(FileNotFoundError, match=r'3-Part1.npz does not exist.*extract_features'):
        sample(root, features_pipeline(out))


def test_other_encoders_need_overwrite(root, tmp_path):
    out = str(tmp_path / 'feat')
    build(make_cfg(root), out)
    other = make_cfg(root, seed=1)  # other random weights of the frozen encoders
    with pytest.raises(ValueError, match='audio encoder weights, visual encoder weights.*'
                                         '--overwrite'):
        build(other, out)
    summary = build(other, out, overwrite=True)
    assert summary['built'] == 2
    assert read_features(feature_file(out, REC), REC)[0]['key'] == read_manifest(out)['key']


def test_refuses_trainable_encoders(root, tmp_path):
    model = copy.deepcopy(STUDENT)
    model['visual_encoder']['frozen'] = False
    with pytest.raises(ValueError, match=r'visual encoder \(TimmViTEncoder\) is not frozen'):
        build(make_cfg(root, model), str(tmp_path / 'feat'))
    assert not osp.exists(tmp_path / 'feat')


def test_check_model_against_manifest(root, tmp_path):
    out = str(tmp_path / 'feat')
    build(make_cfg(root), out)
    manifest = read_manifest(out)
    teacher = build_model_like_runner(make_cfg(root))
    check_model(teacher, manifest, out, extract_command(out))
    torch.manual_seed(0)  # the student's visual encoder is built first, as the teacher's
    student = MODELS.build(STUDENT)
    # a student reads the teacher's visual features
    check_model(student, manifest, out, extract_command(out))
    with torch.no_grad():
        student.visual_encoder.model.norm.weight.add_(1.0)
    with pytest.raises(ValueError, match='visual encoder has other weights.*randomness.seed'):
        check_model(student, manifest, out, extract_command(out))
    student_only = dict(manifest, encoders={'visual': manifest['encoders']['visual']})
    with pytest.raises(ValueError, match=r"holds \['visual'\] features.*also needs 'audio'"):
        check_model(teacher, student_only, out, extract_command(out))
    moved = dict(manifest, preprocess=dict(mean=[0.0] * 3, std=[1.0] * 3))
    with pytest.raises(ValueError, match='video mean/std'):
        check_model(teacher, moved, out, extract_command(out))


def test_distiller_needs_one_visual_encoder():
    torch.manual_seed(0)
    distiller = MODELS.build(dict(type='ViCoKDDistiller', student=STUDENT, teacher=TEACHER,
                                  teacher_ckpt='unused.pth'))
    distiller.teacher.visual_encoder.load_state_dict(distiller.student.visual_encoder.state_dict())
    encoders = cached_encoders(distiller)
    assert encoders == dict(visual=distiller.student.visual_encoder,
                            audio=distiller.teacher.audio_encoder)
    with torch.no_grad():
        distiller.teacher.visual_encoder.model.norm.bias.add_(1.0)
    with pytest.raises(ValueError, match='teacher visual encoder .* other weights'):
        cached_encoders(distiller)


def test_transform_errors_and_view_rows(root, tmp_path):
    out = str(tmp_path / 'feat')
    build(make_cfg(root, STUDENT), out)  # a student cache: visual features only
    with pytest.raises(KeyError, match=r"holds \['visual'\] features, not 'audio'"):
        sample(root, features_pipeline(out))
    dataset = MultiSensorHomeDataset(ann_file='train.json', data_root=root, views=[3, 1])
    results = MultiViewFeatureInit(out)(dataset.get_data_info(0))
    results['frame_inds'] = np.array([0, 14])
    results = LoadMultiViewFeatures(keys=('visual',))(results)
    full = read_features(feature_file(out, REC), REC)[1]['visual']
    np.testing.assert_array_equal(results['visual_feat'], full[[2, 0]][:, [0, 14]])
    assert 'cached_features' not in results and results['num_clip_frames'] == 15
    with pytest.raises(FileNotFoundError, match='manifest.json does not exist'):
        MultiViewFeatureInit(str(tmp_path / 'nowhere'))(dataset.get_data_info(0))
    with pytest.raises(ValueError, match='non-empty subset'):
        LoadMultiViewFeatures(keys=('pixels',))


def test_manifest_is_json_with_fingerprints(root, tmp_path):
    out = str(tmp_path / 'feat')
    build(make_cfg(root), out, config_name='configs/x.py')
    with open(osp.join(out, 'manifest.json')) as f:
        manifest = json.load(f)
    assert manifest['config'] == 'configs/x.py'
    assert set(manifest['encoders']) == {'visual', 'audio'}
    assert all(len(e['fingerprint']) == 64 for e in manifest['encoders'].values())
    assert not [n for n in os.listdir(osp.join(out, 'Home1', '01')) if 'tmp' in n]
