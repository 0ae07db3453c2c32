"""Visual encoders of any width: the audio projection rule, the distiller's width check, and
the state-dict layout of existing checkpoints (unchanged by the encoder classes)."""
import hashlib

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmvicokd  # noqa: F401  (registers everything)
from mmaction.registry import MODELS

from ...helpers.e2e import config_path

V, T = 2, 4
CNN = dict(type='TimmFrameEncoder', arch='resnet18', img_size=32, layers=(1, 1, 1, 1),
           channels=(8, 16, 32, 64), stem_width=8)  # D = 64
MM_RESNET = dict(type='MMBackboneFrameEncoder', img_size=32,
                 backbone=dict(type='ResNet', depth=18, num_stages=2, out_indices=(1,),
                               strides=(1, 2), dilations=(1, 1)))  # D = 128
VIT = dict(type='TimmViTEncoder', arch='vit_small_patch32_224', img_size=32, embed_dim=32,
           depth=1, num_heads=2, patch_size=16)  # D = 32
AUDIO = dict(type='ASTEncoder', embed_dim=16, depth=1, num_heads=2, input_tdim=16, fstride=16,
             tstride=16)  # 16 wide, no out_dim: the recognizer sets it

# State-dict layout (keys and shapes, per part) of two shipped configs, recorded with the code
# before TimmFrameEncoder existed (commit 84cbf41): checkpoints trained then load unchanged.
LAYOUTS = {
    'configs/teacher/teacher_multiasl_home1_av_f.py': {
        'audio_encoder': (153, 'fef664e8b4e5651f61605d0effa954169244b32a7cf2e8eb69671481485bc30f'),
        'cross_attn': (5, 'c39e08fe6eddd13e75d8838089617df2d2a2bb3d6200bf7ef2ca5344afb25351'),
        'fusion': (23, '2a818ecb5bb61e269e728f0c403d27658a76d9c704d6982faa2b2ea67e69dbf8'),
        'visual_encoder': (150, 'f3f96153d81f9912c61ad6630f3d1305808347e44eaf0432b6d4dbfbea47df76'),
    },
    'configs/demo/teacher_multiasl_synthetic_av_f.py': {
        'audio_encoder': (30, 'f100dab15b0b798e45432ac2a84468fb1df8ccbdba516ba12cc7f4c95c06c784'),
        'cross_attn': (5, 'e44c3a2cd83e95479226782af8150a6c4663b7343ee6db5d6ee4e27141e521d7'),
        'fusion': (23, '89228cb3cfd29b6f224bb089ac3148e63c81ebfba35fbb4a5d9baea546b64721'),
        'visual_encoder': (30, '5723d673e3fdb0422d8fb40e4fa4e90b85f2ee146f119cfd1a90dd90c34267b6'),
    },
}

# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def recognizer_cfg(visual, audio=AUDIO):
    cfg = dict(type='MultiViewAVRecognizer', visual_encoder=visual,
               fusion=dict(type='MultiASL', num_classes=3, num_views=V, temporal_heads=2,
                           dropout=0.0),
               cross_attn=dict(type='CrossModalAttention', num_heads=2, num_views=V))
    if audio is None:
        return dict(cfg, adapter=dict(type='CrossModalAdapter'))
    return dict(cfg, audio_encoder=audio)


def build(cfg):
    torch.manual_seed(0)
    return MODELS.build(cfg)


@pytest.mark.parametrize('visual,dim', [(CNN, 64), (MM_RESNET, 128)])
def test_audio_is_projected_to_the_width_of_any_visual_encoder(visual, dim):
    model = build(recognizer_cfg(visual)).eval()
    assert model.visual_encoder.out_dim == dim
    assert model.audio_encoder.out_dim == dim
    assert tuple(model.audio_encoder.proj.weight.shape) == (dim, 16)  # AST's Linear, 16 -> D
    assert model.cross_attn.dim == dim and model.fusion.in_dim == dim
    gen = torch.Generator().manual_seed(0)
    inputs = dict(video=torch.randn(1, V, T, 3, 32, 32, generator=gen),
                  audio=torch.randn(1, V, T, 16, 128, generator=gen))
    with torch.no_grad():
        feats = model.extract_feat(inputs)
    for name in ('visual', 'audio', 'attn', 'av'):
        assert feats[name].shape == (1, V, T, dim), name
    assert feats['seq_logits'].shape == (1, 3)


def test_no_projection_when_the_widths_match():
    model = build(recognizer_cfg(CNN, dict(AUDIO, embed_dim=64)))
    assert isinstance(model.audio_encoder.proj, torch.nn.Identity)
    assert not [k for k in model.state_dict() if k.startswith('audio_encoder.proj')]


def test_a_configured_out_dim_must_be_the_visual_width():
    with pytest.raises(ValueError, match=r'audio encoder gives features of size 32, the visual '
                                         r'encoder 64; set .*out_dim=64 or leave out_dim out'):
        build(recognizer_cfg(CNN, dict(AUDIO, out_dim=32)))


def test_feature_distillation_needs_teacher_and_student_of_one_width():
    teacher, student = recognizer_cfg(VIT), recognizer_cfg(CNN, audio=None)
    fd = dict(type='FeatureDistillLoss', features=('attn', 'av'))
    ld = dict(type='LogitDistillLoss')
    with pytest.raises(ValueError, match=r'feature distillation \(fd\) .*teacher \(inline teacher '
                                         r"config of type 'MultiViewAVRecognizer'\) encodes frames "
                                         r'to D=32 and the student to D=64'):
        build(dict(type='ViCoKDDistiller', student=student, teacher=teacher,
                   teacher_ckpt='unused.pth', distill_losses=dict(fd=fd, ld=ld)))
    # logit distillation alone compares class scores, at any width
    build(dict(type='ViCoKDDistiller', student=student, teacher=teacher,
               teacher_ckpt='unused.pth', distill_losses=dict(ld=ld)))


@pytest.mark.parametrize('rel', sorted(LAYOUTS))
def test_existing_checkpoints_keep_their_layout(rel):
    cfg = Config.fromfile(config_path(rel))
    with DefaultScope.overwrite_default_scope('mmaction'), torch.device('meta'):
        model = MODELS.build(cfg.model)  # real sizes, nothing allocated
    parts = {}
    for key, value in model.state_dict().items():
        parts.setdefault(key.split('.')[0], []).append(f'{key}:{list(value.shape)}')
    layout = {part: (len(keys), hashlib.sha256('\n'.join(sorted(keys)).encode()).hexdigest())
              for part, keys in parts.items()}
    assert layout == LAYOUTS[rel]
