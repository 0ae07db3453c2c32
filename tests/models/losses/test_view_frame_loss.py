"""Per-view frame loss on the visible (view, frame) pairs: hand values and the registry wrapper."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd.models.losses  # noqa: F401  (registers the losses)
from mmvicokd.models.losses.functional import two_way_loss, visible_view_frame_loss


def softplus(v):
    return math.log1p(math.exp(v))


def _example():
    """B=1, V=2, T=2, C=2; view 0 does not see frame 1."""
    logits = torch.tensor([[[[1.0, -1.0], [0.0, 2.0]],
                            [[3.0, 0.0], [-2.0, 1.0]]]])
    frame_label = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
    mask = torch.tensor([[[True, False], [True, True]]])
    return logits, frame_label, mask


def test_hand_value():
    logits, frame_label, mask = _example()
    # visible rows: a = view 0 frame 0 ([1, -1], class 0), b = view 1 frame 0 ([3, 0],
    # class 0), c = view 1 frame 1 ([-2, 1], class 1); Tp = 4, Tn = 1
    sample_way = (softplus(-1 - 1) + softplus(-3 + 0) + softplus(-1 - 2)) / 3
    class0 = softplus(4 * math.log(math.exp(-1 / 4) + math.exp(-3 / 4)) - 2)
    class1 = softplus(-1 + math.log(math.exp(-1) + math.exp(0)))
    expected = sample_way + (class0 + class1) / 2
    assert visible_view_frame_loss(logits, frame_label, mask).item() == pytest.approx(
        expected, rel=1e-6)


def test_hidden_pairs_count_for_nothing():
    logits, frame_label, mask = _example()
    logits.requires_grad_(True)
    loss = visible_view_frame_loss(logits, frame_label, mask)
    loss.backward()
    assert logits.grad[0, 0, 1].abs().sum().item() == 0  # view 0 does not see frame 1
    changed = logits.detach().clone()
    changed[0, 0, 1] = torch.tensor([9.0, -9.0])  # the hidden reading contradicts the label
    assert visible_view_frame_loss(changed, frame_label, mask).item() == pytest.approx(
        loss.item())


def test_equals_two_way_loss_on_the_visible_rows():
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 5, 4, generator=gen)
    frame_label = (torch.rand(2, 5, 4, generator=gen) > 0.6).float()
    mask = torch.rand(2, 3, 5, generator=gen) > 0.4
    rows = [(b, v, t) for b in range(2) for v in range(3) for t in range(5) if mask[b, v, t]]
    x = torch.stack([logits[b, v, t] for b, v, t in rows])
    y = torch.stack([frame_label[b, t] for b, _, t in rows])
    torch.testing.assert_close(visible_view_frame_loss(logits, frame_label, mask, 2.0, 0.5),
                               two_way_loss(x, y, 2.0, 0.5))


def test_nobody_visible_is_zero_with_zero_grad():
    logits, frame_label, mask = _example()
    logits.requires_grad_(True)
    loss = visible_view_frame_loss(logits, frame_label, torch.zeros_like(mask))
    loss.backward()
    assert loss.item() == 0 and logits.grad.abs().sum().item() == 0


def test_shape_errors():
    logits, frame_label, mask = _example()
    with pytest.raises(ValueError, match=r'\(B, V, T, C\)'):
        visible_view_frame_loss(logits[0], frame_label, mask)
    with pytest.raises(ValueError, match='human_mask'):
        visible_view_frame_loss(logits, frame_label, mask[:, :1])
    with pytest.raises(ValueError, match='frame_label'):
        visible_view_frame_loss(logits, frame_label[:, :1], mask)


def test_registry_wrapper_defaults_and_weight():
    logits, frame_label, mask = _example()
    loss = MODELS.build(dict(type='ViewFrameLoss'))
    assert (loss.Tp, loss.Tn, loss.loss_weight) == (4.0, 1.0, 1.0)
    plain = visible_view_frame_loss(logits, frame_label, mask)
    torch.testing.assert_close(loss(logits, frame_label, mask), plain)
    weighted = MODELS.build(dict(type='ViewFrameLoss', loss_weight=0.25))
    torch.testing.assert_close(weighted(logits, frame_label, mask), 0.25 * plain)
