"""tools/extract_student.py: the student of a distiller checkpoint, loadable on its own."""
import os

import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.logging import HistoryBuffer
from mmengine.optim import OptimWrapper
from mmengine.runner.checkpoint import get_state_dict, load_checkpoint, save_checkpoint

import mmvicokd  # noqa: F401  (registers everything)
from mmvicokd.models.distillers.checkpoint import (extract_student, save_atomic,
                                                   student_checkpoint)

from ..helpers.trained_runs import tool

B, V, T, C, FA, PX, D = 1, 3, 8, 4, 16, 32, 32


def recognizer_cfg(teacher: bool) -> dict:
    cfg = dict(
        type='MultiViewAVRecognizer',
        visual_encoder=dict(type='TimmViTEncoder', arch='vit_tiny_patch16_224', img_size=PX,
                            patch_size=16, embed_dim=D, depth=1, num_heads=2),
        cross_attn=dict(type='CrossModalAttention', num_heads=2, max_len=T, num_views=V),
        fusion=dict(type='MultiASL', num_classes=C, num_views=V, temporal_heads=2,
                    dropout=0.0),
        supervision='frame' if teacher else 'sequence')
    if teacher:
        cfg['audio_encoder'] = dict(type='ASTEncoder', embed_dim=D, depth=1, num_heads=2,
                                    input_tdim=FA, fstride=16, tstride=16)
    else:
        cfg['adapter'] = dict(type='CrossModalAdapter', hidden_dim=16)
    return cfg


def make_batch() -> dict:
    gen = torch.Generator().manual_seed(4)
    sample = ActionDataSample()
    sample.set_field(torch.tensor([1.0, 0.0, 1.0, 0.0]), 'gt_label')
    sample.set_field(torch.tensor([[1.0, 0.0, 1.0, 0.0]] * T), 'frame_label')
    return dict(inputs=dict(
        video=[torch.randint(0, 256, (V, T, 3, PX, PX), dtype=torch.uint8, generator=gen)],
        audio=[torch.randn(V, T, FA, 128, generator=gen)]), data_samples=[sample])


def run_tool(*args):
    """tools/extract_student.py's ``main`` in this process, as the shell calls it."""
    return tool('extract_student.py')([*map(str, args)])


def test_extracted_student_loads_strictly_into_a_plain_recognizer(tmp_path, capsys):
    torch.manual_seed(1)
    teacher = MODELS.build(recognizer_cfg(teacher=True))
    teacher_ckpt = tmp_path / 'teacher.pth'
    torch.save(dict(meta={}, state_dict=teacher.state_dict()), str(teacher_ckpt))
    torch.manual_seed(0)
    distiller = MODELS.build(dict(
        type='ViCoKDDistiller', student=recognizer_cfg(teacher=False),
        teacher=recognizer_cfg(teacher=True), teacher_ckpt=str(teacher_ckpt),
        distill_losses=dict(ld=dict(type='LogitDistillLoss'))))
    optim = OptimWrapper(torch.optim.Adam(distiller.parameters(), lr=1e-3))
    distiller.train_step(make_batch(), optim)  # the student now differs from its init
    history = HistoryBuffer()
    history.update(1.5)
    # What the Runner's CheckpointHook writes.
    ckpt = tmp_path / 'epoch_1.pth'
    save_checkpoint(dict(meta=dict(epoch=1, iter=1, seed=0), state_dict=get_state_dict(
        distiller), optimizer=optim.state_dict(), message_hub=dict(
        log_scalars=dict(loss=history))), str(ckpt))

    out = tmp_path / 'student' / 'student_epoch_1.pth'
    assert run_tool(ckpt, out) in (None, 0)
    assert str(out) in capsys.readouterr().out
    assert sorted(os.listdir(out.parent)) == ['student_epoch_1.pth']

    saved = torch.load(str(out), map_location='cpu', weights_only=True)
    assert set(saved) == {'meta', 'state_dict'}
    assert saved['meta'] == dict(epoch=1, iter=1, seed=0)
    expected = distiller.student.state_dict()
    assert set(saved['state_dict']) == set(expected)
    for key, value in expected.items():
        assert torch.equal(saved['state_dict'][key], value), key

    torch.manual_seed(9)
    student = MODELS.build(recognizer_cfg(teacher=False))
    student.load_state_dict(saved['state_dict'], strict=True)
    torch.manual_seed(9)
    via_mmengine = MODELS.build(recognizer_cfg(teacher=False))
    load_checkpoint(via_mmengine, str(out), map_location='cpu', strict=True)
    distiller.eval()
    student.eval()
    via_mmengine.eval()
    with torch.no_grad():
        want = distiller.test_step(make_batch())[0].pred_score
        assert torch.equal(student.test_step(make_batch())[0].pred_score, want)
        assert torch.equal(via_mmengine.test_step(make_batch())[0].pred_score, want)


def test_student_checkpoint_strips_prefix_and_drops_the_rest():
    ckpt = dict(meta=dict(epoch=3), optimizer=dict(state={}),
                state_dict={'student.fusion.w': torch.ones(2),
                            'student.visual_encoder.model.cls_token': torch.zeros(1, 1, 4),
                            'teacher.fusion.w': torch.full((2,), 7.0),
                            'data_preprocessor.mean': torch.zeros(3)})
    out = student_checkpoint(ckpt, 'x.pth')
    assert set(out) == {'meta', 'state_dict'}
    assert out['meta'] == dict(epoch=3)
    assert sorted(out['state_dict']) == ['fusion.w', 'visual_encoder.model.cls_token']
    assert torch.equal(out['state_dict']['fusion.w'], torch.ones(2))


def test_a_recognizer_checkpoint_is_refused(tmp_path):
    plain = tmp_path / 'teacher.pth'
    torch.save(dict(meta={}, state_dict={'fusion.w': torch.ones(2),
                                         'cross_attn.b': torch.ones(1)}), str(plain))
    with pytest.raises(ValueError, match='not a ViCoKDDistiller checkpoint') as err:
        extract_student(str(plain), str(tmp_path / 'out.pth'))
    assert str(plain) in str(err.value) and 'cross_attn, fusion' in str(err.value)
    assert not (tmp_path / 'out.pth').exists()
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        extract_student(str(tmp_path / 'missing.pth'), str(tmp_path / 'out.pth'))


def test_save_atomic_replaces_or_leaves_the_old_file(tmp_path):
    path = tmp_path / 'ckpt.pth'
    save_atomic(dict(state_dict={'a': torch.ones(1)}), str(path))
    save_atomic(dict(state_dict={'a': torch.full((1,), 2.0)}), str(path))
    assert float(torch.load(str(path), weights_only=True)['state_dict']['a']) == 2.0
    with pytest.raises(Exception):
        save_atomic(dict(state_dict={'a': lambda: None}), str(path))  # cannot be pickled
    assert float(torch.load(str(path), weights_only=True)['state_dict']['a']) == 2.0
    assert os.listdir(tmp_path) == ['ckpt.pth']
