"""Hand-checked maths of mmvicokd.models.backbones.functional."""
import math

import pytest
import torch

from mmvicokd.models.backbones.functional import (check_fusion_input, generalized_ce,
                                                  select_topk_frames, topk_count,
                                                  topk_pseudo_labels)


@pytest.mark.parametrize('frames,expected', [(70, 8), (16, 2), (15, 1), (13, 1), (5, 1), (1, 1)])
def test_topk_count(frames, expected):
    assert topk_count(frames) == expected


def test_topk_count_rejects_bad_sizes():
    with pytest.raises(ValueError):
        topk_count(0)
    with pytest.raises(ValueError):
        topk_count(8, divisor=0)


def _cas():
    # class 0 rises over time, class 1 falls: softmax p0 = [.047, .269, .731, .953]
    return torch.tensor([[[1., 4.], [2., 3.], [3., 2.], [4., 1.]]])  # (1, T=4, C=2)


def test_select_topk_frames_by_cas_alone():
    cas = _cas().requires_grad_()
    cas_top, idx = select_topk_frames(cas, [], k=2)
    assert idx.shape == (1, 2, 2)
    assert set(idx[0, :, 0].tolist()) == {2, 3}
    assert set(idx[0, :, 1].tolist()) == {0, 1}
    torch.testing.assert_close(cas_top, torch.tensor([[3.5, 3.5]]))
    cas_top.sum().backward()
    expected_grad = torch.tensor([[[0., .5], [0., .5], [.5, 0.], [.5, 0.]]])
    torch.testing.assert_close(cas.grad, expected_grad)


def test_select_topk_frames_with_actionness():
    # score = (softmax + a) / 2; a = [1, 1, 0, 0] moves class 0's choice to frames 0 and 1
    actionness = torch.tensor([[1., 1., 0., 0.]])
    cas_top, idx = select_topk_frames(_cas(), [actionness], k=2)
    assert set(idx[0, :, 0].tolist()) == {0, 1}
    torch.testing.assert_close(cas_top, torch.tensor([[1.5, 3.5]]))


def test_select_topk_frames_rejects_bad_k_and_shapes():
    with pytest.raises(ValueError):
        select_topk_frames(_cas(), [], k=5)
    with pytest.raises(ValueError):
        select_topk_frames(_cas(), [torch.zeros(1, 3)], k=1)


def test_topk_pseudo_labels():
    # k=2 rows, C=3 columns: class 0 -> frames {0, 3}, class 1 -> {1, 3}, class 2 -> {2, 0}
    idx = torch.tensor([[[0, 1, 2], [3, 3, 0]]])
    gt = torch.tensor([[1., 0., 1.]])
    pseudo = topk_pseudo_labels(idx, gt, num_frames=5)
    torch.testing.assert_close(pseudo, torch.tensor([[1., 0., 1., 1., 0.]]))
    none = topk_pseudo_labels(idx, torch.zeros(1, 3), num_frames=5)
    assert none.sum() == 0


def test_generalized_ce_hand_value():
    q = 0.7
    prob = torch.tensor([[0.5, 0.2, 0.6]])
    target = torch.tensor([[1., 0., 1.]])
    pos = ((1 - 0.5 ** q) / q + (1 - 0.6 ** q) / q) / 2
    neg = (1 - 0.8 ** q) / q
    assert generalized_ce(prob, target, q).item() == pytest.approx(pos + neg, abs=1e-5)


def test_generalized_ce_limits():
    prob = torch.tensor([[0.3, 0.9]])
    # all negatives: the positive term is 0
    neg_only = generalized_ce(prob, torch.zeros(1, 2), q=1.0)
    assert neg_only.item() == pytest.approx((0.3 + 0.9) / 2, abs=1e-5)  # q = 1: MAE
    # q -> 0 tends to cross-entropy
    ce = generalized_ce(prob, torch.tensor([[0., 1.]]), q=1e-4)
    assert ce.item() == pytest.approx(-math.log(0.7) - math.log(0.9), abs=1e-3)


def test_generalized_ce_rejects_bad_input():
    with pytest.raises(ValueError):
        generalized_ce(torch.rand(2, 3), torch.rand(2, 4))
    with pytest.raises(ValueError):
        generalized_ce(torch.rand(2, 3), torch.rand(2, 3), q=0.0)


def test_check_fusion_input():
    check_fusion_input(torch.zeros(2, 3, 4, 8), in_dim=8, num_views=3, name='X')
    with pytest.raises(ValueError, match='X'):
        check_fusion_input(torch.zeros(2, 3, 4, 8), in_dim=8, num_views=2, name='X')
    with pytest.raises(ValueError, match='X'):
        check_fusion_input(torch.zeros(3, 4, 8), in_dim=8, num_views=3, name='X')
