"""LogitDistillLoss built from the registry."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd.models.losses  # noqa: F401  (registers the losses)


def test_hand_value_key_and_weight():
    student = dict(frame_logits=torch.tensor([[[2.0 * math.log(3.0), 0.0]]],
                                             requires_grad=True),
                   seq_logits=torch.zeros(1, 2))
    teacher = dict(frame_logits=torch.zeros(1, 1, 2, requires_grad=True),
                   seq_logits=torch.zeros(1, 2))
    loss = MODELS.build(dict(type='LogitDistillLoss', tau=2.0, loss_weight=0.5))
    # p_S = (3/4, 1/4), p_T = (1/2, 1/2): KL = 1/2 ln(4/3); * tau^2 (4) * weight (1/2)
    value = loss(student, teacher)
    assert value.item() == pytest.approx(math.log(4.0 / 3.0), rel=1e-6)
    value.backward()
    assert teacher['frame_logits'].grad is None
    assert student['frame_logits'].grad.abs().sum() > 0
    on_seq = MODELS.build(dict(type='LogitDistillLoss', key='seq_logits'))
    assert on_seq(student, teacher).item() == pytest.approx(0.0, abs=1e-7)


def test_missing_key_is_named():
    loss = MODELS.build(dict(type='LogitDistillLoss'))
    with pytest.raises(KeyError, match="teacher outputs lack 'frame_logits'"):
        loss(dict(frame_logits=torch.zeros(1, 1, 2)), dict(seq_logits=torch.zeros(1, 2)))
