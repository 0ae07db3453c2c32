"""FeatureDistillLoss built from the registry."""
import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd.models.losses  # noqa: F401  (registers the losses)


def _outputs(value_attn, value_av, requires_grad=False):
    shape = (1, 2, 3, 4)  # (B, V, T, D)
    return dict(attn=torch.full(shape, value_attn, requires_grad=requires_grad),
                av=torch.full(shape, value_av, requires_grad=requires_grad),
                visual=torch.zeros(shape), seq_logits=torch.zeros(1, 5))


def test_picks_named_features_and_weights():
    student = _outputs(1.0, 0.0, requires_grad=True)
    teacher = _outputs(0.0, 0.5, requires_grad=True)
    loss = MODELS.build(dict(type='FeatureDistillLoss'))
    # attn: 4 * 1^2 = 4 per frame; av: 4 * 0.5^2 = 1 per frame -> 5
    value = loss(student, teacher)
    assert value.item() == pytest.approx(5.0)
    value.backward()
    assert teacher['attn'].grad is None and teacher['av'].grad is None
    assert student['attn'].grad.abs().sum() > 0
    only_av = MODELS.build(dict(type='FeatureDistillLoss', features=('av',), loss_weight=2.0))
    assert only_av(student, teacher).item() == pytest.approx(2.0)


def test_missing_feature_is_named():
    loss = MODELS.build(dict(type='FeatureDistillLoss', features=('fusion',)))
    with pytest.raises(KeyError, match="student outputs lack \\['fusion'\\]"):
        loss(_outputs(0.0, 0.0), _outputs(0.0, 0.0))


def test_features_must_be_a_sequence_of_names():
    with pytest.raises(ValueError, match='non-empty sequence'):
        MODELS.build(dict(type='FeatureDistillLoss', features='attn'))
