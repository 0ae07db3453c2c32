"""ViCoKDDistiller.loss_schedules: warm-up and stop of the distillation terms, logged weights."""
import uuid

import pytest
import torch
from mmengine.logging import MessageHub

from .test_vicokd_distiller import (DISTILL_LOSSES, build_distiller, make_batch,
                                    recognizer_cfg, save_teacher)


@pytest.fixture
def teacher_path(tmp_path):
    path = tmp_path / 'teacher.pth'
    save_teacher(path)
    return path


def at_step(epoch: int, iteration: int, max_epochs: int = 10, max_iters: int = 100):
    """A fresh current MessageHub holding the Runner's training progress."""
    hub = MessageHub.get_instance(f'schedule-test-{uuid.uuid4()}')
    hub.update_info_dict(dict(epoch=epoch, iter=iteration, max_epochs=max_epochs,
                              max_iters=max_iters))
    return hub


def losses_of(model) -> dict:
    model.eval()  # no dropout: two calls see the same network
    data = model.data_preprocessor(make_batch(), True)
    with torch.no_grad():
        return model(data['inputs'], data['data_samples'], mode='loss')


def test_no_schedule_gives_exactly_the_constant_weight_losses(teacher_path):
    at_step(epoch=0, iteration=0)  # the first step: a warm-up would weigh 0 here
    model = build_distiller(teacher_path)
    assert model.loss_schedules == {}
    losses = losses_of(model)
    assert not any(k.startswith('weight.') for k in losses)
    data = model.data_preprocessor(make_batch(), True)
    with torch.no_grad():
        student_out = model.student.extract_feat(data['inputs'])
        own = model.student.loss_from_feats(student_out, data['data_samples'])
        teacher_out = model.teacher_outputs(data['inputs'])
    assert list(losses) == list(own) + ['distill.fd', 'distill.ld']
    for key, value in own.items():
        assert torch.equal(losses[key], value), key
    for name in ('fd', 'ld'):
        assert torch.equal(losses['distill.' + name],
                           model.distill_losses[name](student_out, teacher_out)), name


def test_warmup_scales_the_term_and_logs_the_weight(teacher_path):
    plain = losses_of(build_distiller(teacher_path))
    at_step(epoch=0, iteration=1)  # 1 of 4 warm-up iterations: factor 0.25
    model = build_distiller(teacher_path, loss_schedules=dict(fd=dict(warmup_iters=4)))
    losses = losses_of(model)
    assert torch.allclose(losses['distill.fd'], 0.25 * plain['distill.fd'])
    assert float(losses['weight.fd']) == 0.25
    assert torch.equal(losses['distill.ld'], plain['distill.ld'])  # not scheduled
    assert 'weight.ld' not in losses
    # epochs: 10 iterations an epoch, iteration 5 of a 2-epoch warm-up
    at_step(epoch=0, iteration=5, max_epochs=10, max_iters=100)
    model = build_distiller(teacher_path, loss_schedules=dict(ld=dict(warmup_epochs=2)))
    losses = losses_of(model)
    assert torch.allclose(losses['distill.ld'], 0.25 * plain['distill.ld'])
    assert float(losses['weight.ld']) == 0.25


def test_logged_weight_includes_the_loss_weight(teacher_path):
    at_step(epoch=1, iteration=12)  # 12 of 24 warm-up iterations: factor 0.5
    losses = dict(DISTILL_LOSSES, fd=dict(DISTILL_LOSSES['fd'], loss_weight=3.0))
    model = build_distiller(teacher_path, distill_losses=losses,
                            loss_schedules=dict(fd=dict(warmup_iters=24)))
    assert float(losses_of(model)['weight.fd']) == 1.5


def test_stopped_terms_are_zero_and_the_teacher_is_not_run(teacher_path):
    at_step(epoch=3, iteration=30)
    schedules = dict(fd=dict(stop_epoch=3), ld=dict(warmup_epochs=1, stop_epoch=2))
    model = build_distiller(teacher_path, loss_schedules=schedules)
    calls = []
    model.teacher_outputs = lambda inputs: calls.append(1)
    losses = losses_of(model)
    assert not calls
    for name in ('fd', 'ld'):
        assert float(losses['distill.' + name]) == 0.0
        assert float(losses['weight.' + name]) == 0.0


def test_vc_schedule_scales_the_students_loss_vc(teacher_path):
    plain = losses_of(build_distiller(teacher_path))
    at_step(epoch=0, iteration=3)
    model = build_distiller(teacher_path, loss_schedules=dict(vc=dict(warmup_iters=4), ld=None))
    losses = losses_of(model)
    assert torch.allclose(losses['loss_vc'], 0.75 * plain['loss_vc'])
    assert float(losses['weight.vc']) == 0.75
    assert torch.equal(losses['vc_weight'], plain['vc_weight'])  # Eq. 10's confidence, kept
    assert set(model.loss_schedules) == {'vc'}


def test_weights_are_logged_not_added_to_the_total(teacher_path):
    at_step(epoch=0, iteration=2)
    model = build_distiller(teacher_path, loss_schedules=dict(fd=dict(warmup_iters=4)))
    total, log_vars = model.parse_losses(losses_of(model))
    parts = [v for k, v in log_vars.items()
             if k != 'loss' and not k.startswith(('vc_', 'weight.'))]
    assert float(total) == pytest.approx(float(sum(parts)), rel=1e-6)
    assert float(log_vars['weight.fd']) == 0.5


def test_bad_schedules_are_refused(teacher_path):
    with pytest.raises(ValueError, match=r"loss_schedules\['kd'\] names no term"):
        build_distiller(teacher_path, loss_schedules=dict(kd=dict(warmup_iters=4)))
    with pytest.raises(ValueError, match='names no term'):  # fd switched off, schedule kept
        build_distiller(teacher_path, distill_losses=dict(DISTILL_LOSSES, fd=None),
                        loss_schedules=dict(fd=dict(warmup_iters=4)))
    with pytest.raises(ValueError, match='positive integer'):
        build_distiller(teacher_path, loss_schedules=dict(fd=dict(warmup_iters=-1)))
    with pytest.raises(ValueError, match='ambiguous'):
        build_distiller(teacher_path, distill_losses=dict(DISTILL_LOSSES, vc=DISTILL_LOSSES['ld']),
                        loss_schedules=dict(vc=dict(stop_epoch=2)))
    student = dict(recognizer_cfg(teacher=False), consistency_loss=None)
    with pytest.raises(ValueError, match='no consistency_loss'):
        build_distiller(teacher_path, student=student, loss_schedules=dict(vc=dict(stop_epoch=2)))


def test_schedules_need_the_training_progress(teacher_path):
    MessageHub.get_instance(f'schedule-test-{uuid.uuid4()}')  # current, and empty
    model = build_distiller(teacher_path, loss_schedules=dict(fd=dict(warmup_iters=4)))
    with pytest.raises(RuntimeError, match='train with the Runner'):
        losses_of(model)
