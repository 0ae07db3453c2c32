"""ViewConsistencyLoss built from the registry: softmax over classes, then Eq. 10."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd.models.losses  # noqa: F401  (registers the losses)

LN43 = math.log(4.0 / 3.0)
# B=1, V=2, T=2, C=2; softmax gives view 0: (1/2, 1/2) at both frames,
# view 1: (3/4, 1/4) at both frames.
LOGITS = torch.tensor([[[[0.0, 0.0], [0.0, 0.0]],
                        [[math.log(3.0), 0.0], [math.log(3.0), 0.0]]]])
JS = 0.5 * (0.5 * math.log(0.5 / 0.625) + 0.5 * math.log(0.5 / 0.375)) \
    + 0.5 * (0.75 * math.log(0.75 / 0.625) + 0.25 * math.log(0.25 / 0.375))
W = 0.5 * 0.75


def test_defaults_hand_value_and_mask():
    loss = MODELS.build(dict(type='ViewConsistencyLoss'))
    masks = torch.ones(1, 2, 2, dtype=torch.bool)
    # 1 pair, T = 2, both frames visible
    assert loss(LOGITS, masks).item() == pytest.approx(W * JS, rel=1e-5)
    masks[0, 0, 1] = False  # frame 1 drops out of the sum, not out of the normaliser
    assert loss(LOGITS, masks).item() == pytest.approx(W * JS / 2, rel=1e-5)


def test_ablation_variants():
    masks = torch.zeros(1, 2, 2, dtype=torch.bool)
    no_mask = MODELS.build(dict(type='ViewConsistencyLoss', use_mask=False))
    assert no_mask(LOGITS, masks).item() == pytest.approx(W * JS, rel=1e-5)
    plain = MODELS.build(dict(type='ViewConsistencyLoss', use_mask=False,
                              use_confidence=False, loss_weight=2.0))
    assert plain(LOGITS, masks).item() == pytest.approx(2.0 * JS, rel=1e-5)
    kl = MODELS.build(dict(type='ViewConsistencyLoss', divergence='kl'))
    assert kl(LOGITS, ~masks).item() == pytest.approx(W * 0.5 * LN43, rel=1e-5)


def test_gradient_reaches_logits():
    logits = LOGITS.clone().requires_grad_()
    loss = MODELS.build(dict(type='ViewConsistencyLoss'))
    loss(logits, torch.ones(1, 2, 2, dtype=torch.bool)).backward()
    assert torch.isfinite(logits.grad).all() and logits.grad.abs().sum() > 0


def test_bad_divergence_rejected_at_build():
    with pytest.raises(ValueError, match="'js' or 'kl'"):
        MODELS.build(dict(type='ViewConsistencyLoss', divergence='mse'))
