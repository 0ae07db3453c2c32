import copy

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper

import mmvicokd  # noqa: F401  (registers everything)
from mmaction.registry import MODELS

B, V, T, C, D, FA, PX = 2, 3, 8, 4, 32, 16, 32

VISUAL = dict(type='TimmViTEncoder', arch='vit_small_patch32_224', img_size=PX, embed_dim=D,
              depth=1, num_heads=2, patch_size=16)
AUDIO = dict(type='ASTEncoder', embed_dim=16, depth=1, num_heads=2, patch_size=16,
             input_tdim=FA, fstride=16, tstride=16, out_dim=D)
BACKBONES = {
    'MultiTSF': dict(type='MultiTSF', num_classes=C, num_views=V, num_temporal_layers=1,
                     temporal_heads=2, view_heads=2, view_ffn_dim=32, dropout=0.0),
    'MultiASL': dict(type='MultiASL', num_classes=C, num_views=V, temporal_heads=2,
                     dropout=0.0),
    'MultiTrans': dict(type='MultiTrans', num_classes=C, num_views=V, num_temporal_layers=1,
                       num_heads=2, dropout=0.0),
}
VARIANTS = {
    'teacher': dict(audio_encoder=AUDIO, supervision='frame'),
    'student_VF': dict(adapter=dict(type='CrossModalAdapter', hidden_dim=16),
                       supervision='frame'),
    'student_VS': dict(adapter=dict(type='CrossModalAdapter', hidden_dim=16),
                       supervision='sequence'),
}


# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def model_cfg(backbone='MultiTrans', variant='student_VF', **overrides):
    cfg = dict(type='MultiViewAVRecognizer', visual_encoder=VISUAL,
               fusion=BACKBONES[backbone],
               cross_attn=dict(type='CrossModalAttention', num_heads=2, max_len=T, num_views=V),
               **VARIANTS[variant])
    cfg.update(overrides)
    return copy.deepcopy(cfg)


def build(*args, **kwargs):
    torch.manual_seed(0)
    return MODELS.build(model_cfg(*args, **kwargs))


def make_batch(with_mask=True, with_audio=True):
    """A fixed batch as the pipeline packs it: uint8 video, fbank audio, labelled samples."""
    gen = torch.Generator().manual_seed(3)
    video = [torch.randint(0, 256, (V, T, 3, PX, PX), dtype=torch.uint8, generator=gen)
             for _ in range(B)]
    audio = [torch.randn(V, T, FA, 128, generator=gen) for _ in range(B)]
    samples = []
    for i in range(B):
        frame_label = torch.zeros(T, C)
        frame_label[2 * i:2 * i + 4, i] = 1
        frame_label[5:, 2 + i] = 1
        sample = ActionDataSample()
        sample.set_field(frame_label.amax(0), 'gt_label')
        sample.set_field(frame_label, 'frame_label')
        sample.set_field(torch.arange(T), 'frame_inds')
        if with_mask:
            sample.set_field(torch.rand(V, T, generator=gen) > 0.3, 'human_mask')
        sample.set_metainfo(dict(recording_id=f'01/{i}-Part1', views=[1, 2, 3]))
        samples.append(sample)
    inputs = dict(video=video, audio=audio) if with_audio else dict(video=video)
    return dict(inputs=inputs, data_samples=samples)


def spy_aux(model):
    """Record the arguments the recognizer hands to the backbone's aux_losses."""
    calls = []
    original = model.fusion.aux_losses

    def recording(outputs, gt_label, frame_label=None, human_mask=None):
        calls.append(dict(gt_label=gt_label, frame_label=frame_label, human_mask=human_mask))
        return original(outputs, gt_label, frame_label, human_mask)

    model.fusion.aux_losses = recording
    return calls


@pytest.mark.parametrize('variant', list(VARIANTS))
@pytest.mark.parametrize('backbone', list(BACKBONES))
def test_train_step_decreases_loss_and_predicts(backbone, variant):
    model = build(backbone, variant)
    assert model.is_teacher == (variant == 'teacher')
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=2e-3))
    batch = make_batch()
    calls = spy_aux(model)
    history = []
    for _ in range(8):
        log_vars = model.train_step(batch, optim)
        history.append(log_vars['loss'].item())
    assert history[-1] < 0.8 * history[0], history

    # loss keys per supervision; backbone aux losses merged; frame_label None under V_S
    keys = set(log_vars) - {'loss'}
    call = calls[-1]
    base = {'loss_seq', 'loss_frame'} if VARIANTS[variant]['supervision'] == 'frame' \
        else {'loss_seq'}
    assert base <= keys and 'loss_vc' not in keys
    assert all(k.startswith('loss_') for k in keys)
    if VARIANTS[variant]['supervision'] == 'frame':
        assert call['frame_label'].shape == (B, T, C)
        expected = torch.stack([s.frame_label for s in batch['data_samples']])
        assert torch.equal(call['frame_label'], expected)
    else:
        assert call['frame_label'] is None
    assert call['human_mask'].dtype == torch.bool and call['human_mask'].shape == (B, V, T)
    assert torch.equal(call['gt_label'], torch.stack([s.gt_label for s in batch['data_samples']]))
    data = model.data_preprocessor(make_batch(), False)
    aux = model.fusion.aux_losses(model.extract_feat(data['inputs']), call['gt_label'],
                                  call['frame_label'], call['human_mask'])
    assert keys == base | set(aux)

    # predict: sigmoid of the recording-score logits (the sequence logits unless the backbone
    # scores with something else, as MultiASL's cas_top) and of the frame logits
    model.eval()
    predictions = model.val_step(make_batch())
    assert len(predictions) == B
    with torch.no_grad():
        feats = model(data['inputs'], mode='tensor')
    for i, sample in enumerate(predictions):
        assert sample.pred_score.shape == (C,)
        assert sample.pred_frame_score.shape == (T, C)
        score_logits = feats.get('score_logits', feats['seq_logits'])
        torch.testing.assert_close(sample.pred_score, score_logits[i].sigmoid())
        torch.testing.assert_close(sample.pred_frame_score, feats['frame_logits'][i].sigmoid())


@pytest.mark.parametrize('variant', ['teacher', 'student_VF'])
@pytest.mark.parametrize('backbone', list(BACKBONES))
def test_extract_feat_named_outputs(backbone, variant):
    model = build(backbone, variant).eval()
    data = model.data_preprocessor(make_batch(), False)
    assert data['inputs']['video'].shape == (B, V, T, 3, PX, PX)
    with torch.no_grad():
        feats = model(data['inputs'], mode='tensor')
    for key in ('visual', 'audio', 'attn', 'av', 'fusion'):
        assert feats[key].shape == (B, V, T, D), key
    assert feats['view_frame_logits'].shape == (B, V, T, C)
    assert feats['frame_logits'].shape == (B, T, C)
    assert feats['seq_logits'].shape == (B, C)
    torch.testing.assert_close(feats['av'], feats['visual'] + feats['attn'])
    with torch.no_grad():
        visual = model.visual_encoder(data['inputs']['video'])
        if variant == 'teacher':
            audio = model.audio_encoder(data['inputs']['audio'])
        else:
            audio = model.adapter(visual)  # pseudo-audio (Eq. 6)
    torch.testing.assert_close(feats['visual'], visual)
    torch.testing.assert_close(feats['audio'], audio)


def test_student_ignores_audio_and_teacher_requires_it():
    student = build('MultiTrans', 'student_VF').eval()
    with_audio = student.data_preprocessor(make_batch(), False)['inputs']
    without = student.data_preprocessor(make_batch(with_audio=False), False)['inputs']
    with torch.no_grad():
        torch.testing.assert_close(student(with_audio)['seq_logits'],
                                   student(without)['seq_logits'])
    teacher = build('MultiTrans', 'teacher')
    with pytest.raises(KeyError, match=r"teacher .*inputs\['audio'\]"):
        teacher(without)


def test_consistency_loss_and_human_mask():
    for supervision in ('frame', 'sequence'):
        model = build('MultiTrans', 'student_VF', supervision=supervision,
                      consistency_loss=dict(type='ViewConsistencyLoss'))
        data = model.data_preprocessor(make_batch(), True)
        losses = model(**data, mode='loss')
        assert 'loss_vc' in losses and losses['loss_vc'].dim() == 0
        expected = model.consistency_loss(
            model(data['inputs'])['view_frame_logits'],
            torch.stack([s.human_mask for s in data['data_samples']]))
        torch.testing.assert_close(losses['loss_vc'], expected)
        # logged (not summed) statistics that show whether Eq. 10 acts
        assert {'vc_covisible', 'vc_weight', 'vc_js'} <= set(losses)
        assert 0 <= losses['vc_covisible'].item() <= 1
        assert 1 / C ** 2 <= losses['vc_weight'].item() <= 1
        total, log_vars = model.parse_losses(losses)
        assert total.item() == pytest.approx(
            sum(v.item() for k, v in losses.items() if k.startswith('loss')), rel=1e-6)
        assert 'vc_weight' in log_vars
    data = model.data_preprocessor(make_batch(with_mask=False), True)
    with pytest.raises(KeyError, match='human_mask'):
        model(**data, mode='loss')


def test_missing_or_bad_labels_name_the_sample():
    model = build('MultiTrans', 'student_VF')
    data = model.data_preprocessor(make_batch(), True)
    del data['data_samples'][1].frame_label
    with pytest.raises(KeyError, match=r"data sample 1 \(recording '01/1-Part1'\).*frame_label"):
        model(**data, mode='loss')
    # a sequence-supervised model never reads frame labels
    seq = build('MultiTrans', 'student_VS')
    assert set(seq(**data, mode='loss')) >= {'loss_seq'}
    data = model.data_preprocessor(make_batch(), True)
    data['data_samples'][0].gt_label = torch.ones(C + 1)
    with pytest.raises(ValueError, match=r'data sample 0 .*gt_label has shape \(5,\)'):
        model(**data, mode='loss')
    with pytest.raises(ValueError, match='needs data_samples'):
        model(data['inputs'], mode='loss')
    with pytest.raises(ValueError, match='unknown mode'):
        model(data['inputs'], data['data_samples'], mode='bogus')


def test_build_checks():
    with pytest.raises(ValueError, match='exactly one of audio_encoder'):
        MODELS.build(model_cfg(adapter=dict(type='CrossModalAdapter', hidden_dim=8),
                               audio_encoder=AUDIO))
    cfg = model_cfg()
    del cfg['adapter']
    with pytest.raises(ValueError, match='exactly one of audio_encoder'):
        MODELS.build(cfg)
    with pytest.raises(ValueError, match='supervision'):
        build(supervision='dense')
    with pytest.raises(ValueError, match=r'fusion.in_dim=64 differs .* feature size 32'):
        build(fusion=dict(BACKBONES['MultiTrans'], in_dim=64))
    with pytest.raises(ValueError, match=r'cross_attn.dim=16'):
        build(cross_attn=dict(type='CrossModalAttention', dim=16, num_heads=2))
    with pytest.raises(ValueError, match='audio encoder gives features of size 16'):
        build(variant='teacher', audio_encoder=dict(AUDIO, out_dim=None))
    # dims filled from the visual encoder
    model = build(adapter=dict(type='CrossModalAdapter', hidden_dim=8))
    assert model.adapter.dim == D and model.cross_attn.dim == D and model.fusion.in_dim == D


def test_frozen_visual_encoder_stays_put_in_training():
    model = build('MultiTSF', 'student_VF', visual_encoder=dict(VISUAL, frozen=True))
    model.train()
    assert not model.visual_encoder.training and model.fusion.training
    before = {k: v.clone() for k, v in model.visual_encoder.state_dict().items()}
    optim = OptimWrapper(torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-2))
    for _ in range(2):
        model.train_step(make_batch(), optim)
    for key, value in model.visual_encoder.state_dict().items():
        assert torch.equal(value, before[key]), key
    model.init_weights()
    for key, value in model.visual_encoder.state_dict().items():
        assert torch.equal(value, before[key]), key
