import pytest
import torch

import mmvicokd  # noqa: F401
from mmaction.registry import MODELS


def test_hand_computed_values():
    adapter = MODELS.build(dict(type='CrossModalAdapter', dim=2, hidden_dim=3))
    first, second = adapter.net[0], adapter.net[2]
    with torch.no_grad():
        first.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]]))
        first.bias.copy_(torch.tensor([0.0, -1.0, 0.5]))
        second.weight.copy_(torch.tensor([[1.0, 1.0, 1.0], [2.0, 0.0, -1.0]]))
        second.bias.copy_(torch.tensor([0.1, -0.1]))
    x = torch.tensor([1.0, 3.0]).view(1, 1, 1, 2)
    # hidden = relu([1, 2, -1.5]) = [1, 2, 0]; out = [1+2+0+0.1, 2*1-0-0.1]
    torch.testing.assert_close(adapter(x), torch.tensor([3.1, 1.9]).view(1, 1, 1, 2))
    x = torch.tensor([-2.0, 0.0]).view(1, 1, 1, 2)
    # hidden = relu([-2, -1, -1.5]) = 0; out = bias
    torch.testing.assert_close(adapter(x), torch.tensor([0.1, -0.1]).view(1, 1, 1, 2))


def test_shape_and_gradients():
    adapter = MODELS.build(dict(type='CrossModalAdapter', dim=8, hidden_dim=16))
    x = torch.randn(2, 3, 5, 8, requires_grad=True)
    out = adapter(x)
    assert out.shape == (2, 3, 5, 8)
    out.sum().backward()
    assert x.grad is not None and adapter.net[0].weight.grad is not None
    with pytest.raises(ValueError, match='size 8'):
        adapter(torch.randn(2, 3, 5, 4))
