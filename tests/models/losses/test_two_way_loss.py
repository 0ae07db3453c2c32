"""TwoWayLoss built from the registry."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd.models.losses  # noqa: F401  (registers the losses)
from mmvicokd.models.losses.functional import two_way_loss


def test_build_defaults_and_weight():
    loss = MODELS.build(dict(type='TwoWayLoss'))
    assert (loss.Tp, loss.Tn, loss.loss_weight) == (4.0, 1.0, 1.0)
    x = torch.tensor([[1.0, -1.0]])
    y = torch.tensor([[1.0, 0.0]])
    # sample term softplus(-1 - 1); class 0 has no negative, class 1 no positive
    assert loss(x, y).item() == pytest.approx(math.log1p(math.exp(-2.0)), rel=1e-6)
    weighted = MODELS.build(dict(type='TwoWayLoss', Tp=2.0, Tn=0.5, loss_weight=0.5))
    torch.manual_seed(0)
    x, y = torch.randn(4, 3), (torch.rand(4, 3) > 0.5).float()
    assert weighted(x, y).item() == pytest.approx(0.5 * two_way_loss(x, y, 2.0, 0.5).item())
