"""ViCoKDDistiller: frozen teacher, student + distillation losses, student-only prediction."""
import copy

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import HistoryBuffer
from mmengine.optim import OptimWrapper

import mmvicokd  # noqa: F401  (registers everything)
from mmvicokd.models.distillers import ViCoKDDistiller

B, V, T, C, FA, PX = 2, 3, 8, 4, 16, 32


def recognizer_cfg(teacher: bool, dim: int = 32) -> dict:
    """A tiny MultiViewAVRecognizer: AV_F teacher (AST audio) or V_F student (adapter)."""
    cfg = dict(
        type='MultiViewAVRecognizer',
        visual_encoder=dict(type='TimmViTEncoder', arch='vit_tiny_patch16_224', img_size=PX,
                            patch_size=16, embed_dim=dim, depth=1, num_heads=2),
        cross_attn=dict(type='CrossModalAttention', num_heads=2, max_len=T, num_views=V),
        fusion=dict(type='MultiTSF', num_classes=C, num_views=V, num_temporal_layers=1,
                    temporal_heads=2, view_heads=2, view_ffn_dim=dim, dropout=0.0),
        supervision='frame')
    if teacher:
        cfg['audio_encoder'] = dict(type='ASTEncoder', embed_dim=dim, depth=1, num_heads=2,
                                    input_tdim=FA, fstride=16, tstride=16)
    else:
        cfg['adapter'] = dict(type='CrossModalAdapter', hidden_dim=16)
        cfg['consistency_loss'] = dict(type='ViewConsistencyLoss')
    return cfg


DISTILL_LOSSES = dict(fd=dict(type='FeatureDistillLoss', features=('attn', 'av')),
                      ld=dict(type='LogitDistillLoss', tau=4.0))


def save_teacher(path, dim: int = 32, seed: int = 1) -> dict:
    """Build a teacher, save it as the Runner would (meta, state_dict, message_hub)."""
    torch.manual_seed(seed)
    teacher = MODELS.build(recognizer_cfg(teacher=True, dim=dim))
    state = {k: v.clone() for k, v in teacher.state_dict().items()}
    history = HistoryBuffer()
    history.update(0.5)
    torch.save(dict(meta=dict(epoch=100, iter=1000), state_dict=state,
                    message_hub=dict(log_scalars=dict(loss=history))), str(path))
    return state


def build_distiller(teacher_ckpt, teacher=None, init=True, **kwargs) -> ViCoKDDistiller:
    """Build, then ``init_weights()`` (which loads the teacher) as the Runner does."""
    torch.manual_seed(0)
    cfg = dict(type='ViCoKDDistiller', student=recognizer_cfg(teacher=False),
               teacher=recognizer_cfg(teacher=True) if teacher is None else teacher,
               teacher_ckpt=str(teacher_ckpt), distill_losses=DISTILL_LOSSES)
    cfg.update(kwargs)
    model = MODELS.build(cfg)
    if init:
        model.init_weights()
    return model


def make_batch() -> dict:
    """A fixed packed batch: uint8 video, fbank audio, labels and human masks."""
    gen = torch.Generator().manual_seed(3)
    video = [torch.randint(0, 256, (V, T, 3, PX, PX), dtype=torch.uint8, generator=gen)
             for _ in range(B)]
    audio = [torch.randn(V, T, FA, 128, generator=gen) for _ in range(B)]
    samples = []
    for i in range(B):
        frame_label = torch.zeros(T, C)
        frame_label[i:i + 4, i] = 1
        frame_label[5:, 2 + i] = 1
        sample = ActionDataSample()
        sample.set_field(frame_label.amax(0), 'gt_label')
        sample.set_field(frame_label, 'frame_label')
        sample.set_field(torch.rand(V, T, generator=gen) > 0.3, 'human_mask')
        sample.set_field(torch.arange(T), 'frame_inds')
        sample.set_metainfo(dict(recording_id=f'01/{i}-Part1', views=[1, 2, 3]))
        samples.append(sample)
    return dict(inputs=dict(video=video, audio=audio), data_samples=samples)


@pytest.fixture
def teacher_ckpt(tmp_path):
    path = tmp_path / 'teacher.pth'
    return path, save_teacher(path)


def test_builds_loads_teacher_and_freezes_it(teacher_ckpt):
    path, saved = teacher_ckpt
    model = build_distiller(path)
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key
    assert all(not p.requires_grad for p in model.teacher.parameters())
    assert all(p.requires_grad for p in model.student.parameters())
    assert set(model.distill_losses) == {'fd', 'ld'}
    # No distiller preprocessor given: the student's own one serves the batch.
    assert model.data_preprocessor is model.student.data_preprocessor
    # A second init_weights() (e.g. a resumed run) loads the same teacher again.
    model.init_weights()
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key


def test_building_reads_no_teacher_checkpoint(tmp_path):
    """tools/test.py builds a distiller and loads its own checkpoint: no teacher file needed."""
    missing = tmp_path / 'not_trained_yet.pth'
    model = build_distiller(missing, init=False)
    with pytest.raises(FileNotFoundError, match='not_trained_yet.pth'):
        model.init_weights()


def test_train_mode_keeps_teacher_in_eval(teacher_ckpt):
    model = build_distiller(teacher_ckpt[0])
    model.train()
    assert model.training and model.student.training
    assert not any(m.training for m in model.teacher.modules())
    model.eval()
    assert not model.student.training and not model.teacher.training


def test_train_steps_update_student_only_and_lower_the_loss(teacher_ckpt):
    path, saved = teacher_ckpt
    model = build_distiller(path)
    model.train()
    # Like the Runner's default optimizer constructor: every parameter, frozen ones included.
    optim = OptimWrapper(torch.optim.Adam(model.parameters(), lr=1e-3))
    student_before = copy.deepcopy(model.student.state_dict())
    batch = make_batch()
    totals = []
    for _ in range(6):
        log_vars = model.train_step(copy.deepcopy(batch), optim)
        totals.append(log_vars['loss'].item())
    assert {'loss_seq', 'loss_frame', 'loss_vc', 'loss_human',
            'distill.fd', 'distill.ld'} <= set(log_vars)
    log_vars = {k: v.item() for k, v in log_vars.items()}
    parts = [v for k, v in log_vars.items() if k != 'loss' and not k.startswith('vc_')]
    assert log_vars['loss'] == pytest.approx(sum(parts), rel=1e-5)
    assert log_vars['distill.fd'] > 0 and log_vars['distill.ld'] > 0
    assert totals[-1] < totals[0]
    for name, param in model.teacher.named_parameters():
        assert param.grad is None, name
        assert torch.equal(param, saved[name]), name
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key
    changed = [k for k, v in model.student.state_dict().items()
               if not torch.equal(v, student_before[k])]
    assert any(k.startswith('adapter.') for k in changed)
    assert any(k.startswith('visual_encoder.') for k in changed)


def test_a_none_distill_loss_is_switched_off(teacher_ckpt):
    path, _ = teacher_ckpt
    model = build_distiller(path, distill_losses=dict(DISTILL_LOSSES, ld=None))
    assert set(model.distill_losses) == {'fd'}


def test_loss_matches_student_and_distill_losses_computed_apart(teacher_ckpt):
    model = build_distiller(teacher_ckpt[0])
    model.eval()
    data = model.data_preprocessor(make_batch(), True)
    inputs, samples = data['inputs'], data['data_samples']
    losses = model(inputs, samples, mode='loss')
    own = model.student.loss(inputs, samples)
    assert set(losses) == set(own) | {'distill.fd', 'distill.ld'}
    for key, value in own.items():
        assert torch.allclose(losses[key], value), key
    student_out = model.student.extract_feat(inputs)
    teacher_out = model.teacher_outputs(inputs)
    assert not teacher_out['av'].requires_grad
    assert torch.allclose(losses['distill.fd'],
                          model.distill_losses['fd'](student_out, teacher_out))
    assert torch.allclose(losses['distill.ld'],
                          model.distill_losses['ld'](student_out, teacher_out))
    assert losses['distill.fd'].requires_grad and losses['distill.ld'].requires_grad


def test_predict_and_tensor_use_the_student_alone(teacher_ckpt):
    model = build_distiller(teacher_ckpt[0])
    torch.manual_seed(5)
    standalone = MODELS.build(recognizer_cfg(teacher=False))
    standalone.load_state_dict(model.student.state_dict(), strict=True)
    model.eval()
    standalone.eval()
    with torch.no_grad():
        preds = model.test_step(make_batch())
        expected = standalone.test_step(make_batch())
        feats = model(model.data_preprocessor(make_batch())['inputs'], mode='tensor')
        expected_feats = standalone.extract_feat(
            standalone.data_preprocessor(make_batch())['inputs'])
    assert len(preds) == B
    for got, want in zip(preds, expected):
        assert got.pred_score.shape == (C,) and got.pred_frame_score.shape == (T, C)
        assert torch.equal(got.pred_score, want.pred_score)
        assert torch.equal(got.pred_frame_score, want.pred_frame_score)
    assert set(feats) == set(expected_feats)
    assert torch.equal(feats['seq_logits'], expected_feats['seq_logits'])


def test_teacher_from_config_file(teacher_ckpt, tmp_path):
    path, saved = teacher_ckpt
    cfg_file = tmp_path / 'teacher_cfg.py'
    cfg_file.write_text(f'model = {recognizer_cfg(teacher=True)!r}\n')
    model = build_distiller(path, teacher=str(cfg_file))
    assert model.teacher.is_teacher
    for key, value in model.teacher.state_dict().items():
        assert torch.equal(value, saved[key]), key


def test_explicit_data_preprocessor(teacher_ckpt):
    model = build_distiller(teacher_ckpt[0], data_preprocessor=dict(
        type='MultiViewAVDataPreprocessor', mean=[0.0, 0.0, 0.0], std=[255.0, 255.0, 255.0]))
    assert model.data_preprocessor is not model.student.data_preprocessor
    video = model.data_preprocessor(make_batch())['inputs']['video']
    assert 0.0 <= float(video.min()) and float(video.max()) <= 1.0


def test_parse_losses_counts_distill_entries():
    losses = {'loss_seq': torch.tensor(1.0), 'distill.fd': torch.tensor(2.0),
              'distill.ld': torch.tensor([3.0, 5.0]), 'top1_acc': torch.tensor(10.0)}
    total, log_vars = ViCoKDDistiller.parse_losses(None, losses)
    assert float(total) == 7.0
    assert list(log_vars) == ['loss', 'loss_seq', 'distill.fd', 'distill.ld', 'top1_acc']
    assert float(log_vars['distill.ld']) == 4.0 and float(log_vars['top1_acc']) == 10.0


def test_missing_teacher_ckpt_names_path_and_config(tmp_path):
    cfg_file = tmp_path / 'teacher_cfg.py'
    cfg_file.write_text(f'model = {recognizer_cfg(teacher=True)!r}\n')
    missing = tmp_path / 'nowhere' / 'epoch_100.pth'
    with pytest.raises(FileNotFoundError) as err:
        build_distiller(missing, teacher=str(cfg_file))
    assert str(missing) in str(err.value) and str(cfg_file) in str(err.value)
    with pytest.raises(FileNotFoundError, match='MultiViewAVRecognizer'):
        build_distiller(missing)


def test_missing_teacher_config_file(teacher_ckpt, tmp_path):
    with pytest.raises(FileNotFoundError, match='no_such_teacher.py'):
        build_distiller(teacher_ckpt[0], teacher=str(tmp_path / 'no_such_teacher.py'))


def test_checkpoint_of_another_teacher_is_refused(tmp_path):
    path = tmp_path / 'wide_teacher.pth'
    save_teacher(path, dim=48)
    with pytest.raises(RuntimeError) as err:
        build_distiller(path)
    message = str(err.value)
    assert str(path) in message and 'MultiViewAVRecognizer' in message
    # A few offending keys with both shapes, then the count.
    assert 'shape mismatches: audio_encoder.model.' in message and ' in all)' in message
    assert ', model (' in message and '(checkpoint (' in message


def test_distiller_checkpoint_as_teacher_ckpt_is_refused(teacher_ckpt, tmp_path):
    model = build_distiller(teacher_ckpt[0])
    path = tmp_path / 'distiller.pth'
    torch.save(dict(meta={}, state_dict=model.state_dict()), str(path))
    with pytest.raises(RuntimeError, match='distiller checkpoint') as err:
        build_distiller(path)
    assert 'unexpected keys' in str(err.value) and 'missing keys' in str(err.value)


def test_teacher_ckpt_without_state_dict_is_refused(tmp_path):
    path = tmp_path / 'bare.pth'
    torch.save(dict(weights=torch.zeros(1)), str(path))
    with pytest.raises(RuntimeError, match='no `state_dict`'):
        build_distiller(path)


def test_bad_distill_loss_name(teacher_ckpt):
    with pytest.raises(ValueError, match='without dots'):
        build_distiller(teacher_ckpt[0], distill_losses={'a.b': DISTILL_LOSSES['ld']})


def test_unknown_mode(teacher_ckpt):
    model = build_distiller(teacher_ckpt[0])
    with pytest.raises(ValueError, match='unknown mode'):
        model({}, None, mode='features')


def test_teacher_ckpt_is_required():
    with pytest.raises(TypeError, match='teacher_ckpt must be the path'):
        MODELS.build(dict(type='ViCoKDDistiller', student=recognizer_cfg(teacher=False),
                          teacher=recognizer_cfg(teacher=True), teacher_ckpt=None))
