"""The encoder-feature cache with an encoder other than a ViT (an mmaction ResNet per frame)."""
import pytest
import torch

from mmvicokd.apis.feature_extraction import build_model_like_runner
from mmvicokd.datasets.caches.feature_cache import read_manifest

from .test_feature_extraction import (PIXELS, PX, TEACHER, build, features_pipeline, logits,
                                      make_cfg, sample)

# two stages of mmaction's ResNet-18, frozen: D = 128 (the AST, 32 wide, is projected to it)
MM_RESNET = dict(type='MMBackboneFrameEncoder', img_size=PX, frozen=True,
                 backbone=dict(type='ResNet', depth=18, num_stages=2, out_indices=(1,),
                               strides=(1, 2), dilations=(1, 1)))

# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def test_cached_features_of_a_cnn_give_the_pixel_logits(recording_root, tmp_path):
    cfg = make_cfg(recording_root, dict(TEACHER, visual_encoder=MM_RESNET))
    out = str(tmp_path / 'feat')
    assert build(cfg, out, dtype='float32')['built'] == 2
    encoders = read_manifest(out)['encoders']
    assert {name: e['out_dim'] for name, e in encoders.items()} == dict(visual=128, audio=128)
    model = build_model_like_runner(cfg)
    pixel_feats, pixel_scores = logits(model, sample(recording_root, PIXELS))
    cached_feats, cached_scores = logits(model, sample(recording_root, features_pipeline(out)))
    for key in ('visual', 'audio', 'seq_logits', 'frame_logits'):
        torch.testing.assert_close(cached_feats[key], pixel_feats[key], atol=1e-5, rtol=0)
    for cached, pixel in zip(cached_scores, pixel_scores):
        torch.testing.assert_close(cached, pixel, atol=1e-5, rtol=0)
