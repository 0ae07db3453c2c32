"""Loss maths against hand-computed values (Eq. 5, 7-10)."""
import math

import pytest
import torch
import torch.nn.functional as F

from mmvicokd.models.losses.functional import (feature_distill, js_divergence, kl_divergence,
                                               logit_distill, two_way_loss, view_consistency,
                                               view_consistency_stats)

LN2, LN43 = math.log(2.0), math.log(4.0 / 3.0)


def softplus(v):
    return math.log1p(math.exp(v))


# ---------------------------------------------------------------- Two-way loss (Eq. 5)
def test_two_way_loss_hand_value():
    # sample 1 has no positive, class 1 has no positive: both are left out of their means.
    x = torch.tensor([[2.0, -1.0, 0.0], [1.0, 3.0, -2.0]], requires_grad=True)
    y = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    # sample-wise, sample 0: Tp*lse(-x_pos/Tp) = 4*log(e^-0.5 + e^0), Tn*lse(x_neg/Tn) = -1
    sample_term = softplus(4 * math.log(math.exp(-0.5) + 1.0) - 1.0)
    # class-wise: class 0: pos 4*(-2/4) = -2, neg 1 -> softplus(-1);
    #             class 2: pos 0, neg -2 -> softplus(-2)
    class_term = (softplus(-1.0) + softplus(-2.0)) / 2
    loss = two_way_loss(x, y, Tp=4.0, Tn=1.0)
    assert loss.item() == pytest.approx(sample_term + class_term, rel=1e-6)
    loss.backward()
    assert torch.isfinite(x.grad).all()
    assert x.grad[1, 1] == 0  # in a left-out sample and a left-out class: no term sees it
    assert x.grad[1, 0] > 0  # negative of class 0, in a sample without positive: pushed down


def test_two_way_loss_temperatures():
    x = torch.tensor([[1.0, -1.0]])
    y = torch.tensor([[1.0, 0.0]])
    # one sample, one positive class 0 (no negative there -> class term 0)
    # sample term: softplus(Tp*(-1/Tp) + Tn*(-1/Tn)) = softplus(-2) for any temperatures
    assert two_way_loss(x, y, Tp=2.0, Tn=0.5).item() == pytest.approx(softplus(-2.0), rel=1e-6)
    x = torch.tensor([[0.0, 2.0, 4.0]])
    y = torch.tensor([[1.0, 1.0, 0.0]])
    # sample: Tp*log(e^0 + e^(-2/Tp)) + 4; classes 0 and 1 have no negative -> 0
    expected = softplus(2.0 * math.log(1.0 + math.exp(-1.0)) + 4.0)
    assert two_way_loss(x, y, Tp=2.0, Tn=1.0).item() == pytest.approx(expected, rel=1e-6)


def test_two_way_loss_without_any_positive_is_zero_with_finite_grad():
    x = torch.randn(3, 4, requires_grad=True)
    loss = two_way_loss(x, torch.zeros(3, 4))
    assert loss.item() == 0.0
    loss.backward()
    assert torch.equal(x.grad, torch.zeros(3, 4))


def test_two_way_loss_shape_error():
    with pytest.raises(ValueError, match='one shape'):
        two_way_loss(torch.zeros(2, 3), torch.zeros(2, 4))


# ---------------------------------------------------------------- FD (Eq. 7)
def test_feature_distill_hand_value_and_gradient_to_student_only():
    # B=1, V=1, T=2, D=2; frame norms^2: attn 5, 0 -> 2.5; av 1, 4 -> 2.5
    s_attn = torch.tensor([[[[1.0, 2.0], [0.0, 0.0]]]], requires_grad=True)
    s_av = torch.tensor([[[[1.0, 1.0], [1.0, 1.0]]]], requires_grad=True)
    t_attn = torch.zeros(1, 1, 2, 2, requires_grad=True)
    t_av = torch.tensor([[[[0.0, 1.0], [1.0, 3.0]]]], requires_grad=True)
    loss = feature_distill(dict(attn=s_attn, av=s_av), dict(attn=t_attn, av=t_av))
    assert loss.item() == pytest.approx(5.0)
    loss.backward()
    assert t_attn.grad is None and t_av.grad is None
    # d/ds mean_t ||s - t||^2 = 2 (s - t) / T
    assert torch.allclose(s_attn.grad, torch.tensor([[[[1.0, 2.0], [0.0, 0.0]]]]))


def test_feature_distill_means_over_views_and_batch():
    student = torch.zeros(2, 2, 1, 3)
    teacher = torch.zeros(2, 2, 1, 3)
    teacher[0, 1, 0] = torch.tensor([1.0, 1.0, 2.0])  # one of 4 (b, v, t) frames: norm^2 6
    assert feature_distill([student], [teacher]).item() == pytest.approx(6.0 / 4)


def test_feature_distill_mean_reduction_is_sum_over_d():
    # same case as the hand value above (D=2): attn 2.5 / 2, av 2.5 / 2 -> 2.5
    s_attn = torch.tensor([[[[1.0, 2.0], [0.0, 0.0]]]])
    s_av = torch.ones(1, 1, 2, 2)
    t_attn = torch.zeros(1, 1, 2, 2)
    t_av = torch.tensor([[[[0.0, 1.0], [1.0, 3.0]]]])
    args = dict(attn=s_attn, av=s_av), dict(attn=t_attn, av=t_av)
    assert feature_distill(*args, reduction='mean').item() == pytest.approx(2.5)
    torch.manual_seed(0)
    s, t = torch.randn(2, 3, 4, 48), torch.randn(2, 3, 4, 48)
    total = feature_distill([s], [t]).item()
    assert total == pytest.approx(48 * feature_distill([s], [t], reduction='mean').item(),
                                  rel=1e-6)
    with pytest.raises(ValueError, match='reduction'):
        feature_distill([s], [t], reduction='max')


def test_feature_distill_errors():
    with pytest.raises(KeyError, match='differ'):
        feature_distill(dict(attn=torch.zeros(1, 1, 1, 2)), dict(av=torch.zeros(1, 1, 1, 2)))
    with pytest.raises(ValueError, match="'av'"):
        feature_distill(dict(av=torch.zeros(1, 1, 1, 2)), dict(av=torch.zeros(1, 1, 2, 2)))


# ---------------------------------------------------------------- LD (Eq. 8)
def test_logit_distill_hand_value():
    teacher = torch.zeros(1, 1, 2)  # p_T = (1/2, 1/2)
    student = torch.tensor([[[4.0 * math.log(3.0), 0.0]]], requires_grad=True)  # p_S = (3/4, 1/4)
    # KL = 1/2 ln(2/3) + 1/2 ln 2 = 1/2 ln(4/3); times tau^2 = 16
    loss = logit_distill(student, teacher, tau=4.0)
    assert loss.item() == pytest.approx(8.0 * LN43, rel=1e-6)
    loss.backward()
    assert student.grad.abs().sum() > 0


def test_logit_distill_identical_is_zero_and_teacher_gets_no_grad():
    logits = torch.randn(2, 5, 4)
    teacher = logits.clone().requires_grad_()
    student = logits.clone().requires_grad_()
    loss = logit_distill(student, teacher, tau=2.0)
    assert loss.item() == pytest.approx(0.0, abs=1e-6)
    (loss + logit_distill(student * 2, teacher, tau=2.0)).backward()
    assert teacher.grad is None
    assert student.grad is not None


def test_logit_distill_is_non_negative():
    torch.manual_seed(0)
    assert logit_distill(torch.randn(3, 4, 6), torch.randn(3, 4, 6), tau=1.5).item() > 0


# ---------------------------------------------------------------- JS / KL (Eq. 9)
def test_js_hand_values_and_symmetry():
    p = torch.tensor([[1.0, 0.0], [0.5, 0.5]])
    q = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    # disjoint supports -> ln 2; (1/2,1/2) vs (1,0): m = (3/4,1/4) -> 3/4 ln(4/3)
    expected = torch.tensor([LN2, 0.75 * LN43])
    assert torch.allclose(js_divergence(p, q), expected, atol=1e-6)
    assert torch.allclose(js_divergence(q, p), expected, atol=1e-6)


def test_divergences_non_negative_and_zero_on_identity():
    torch.manual_seed(0)
    p = torch.randn(10, 5).softmax(-1)
    q = torch.randn(10, 5).softmax(-1)
    assert (js_divergence(p, q) >= 0).all() and (kl_divergence(p, q) >= 0).all()
    assert torch.allclose(js_divergence(p, p), torch.zeros(10), atol=1e-6)
    assert torch.allclose(kl_divergence(p, p), torch.zeros(10), atol=1e-6)
    # KL hand value: KL((1/2,1/2) || (3/4,1/4)) = 1/2 ln(4/3)
    assert kl_divergence(torch.tensor([0.5, 0.5]), torch.tensor([0.75, 0.25])).item() == \
        pytest.approx(0.5 * LN43, rel=1e-6)


# ---------------------------------------------------------------- VC (Eq. 10)
def _three_views():
    # B=1, V=3, T=2, C=2
    probs = torch.tensor([[[[1.0, 0.0], [0.5, 0.5]],
                           [[0.0, 1.0], [1.0, 0.0]],
                           [[1.0, 0.0], [0.5, 0.5]]]])
    return probs, torch.ones(1, 3, 2, dtype=torch.bool)


def test_view_consistency_hand_value():
    probs, masks = _three_views()
    # pairs (0,1) and (1,2): t0 JS = ln 2, w = 1; t1 JS = 3/4 ln(4/3), w = 1/2 * 1.
    # pair (0,2) identical -> 0. Normalised by N_pairs * T = 3 * 2.
    expected = (2 * LN2 + 2 * 0.5 * 0.75 * LN43) / 6
    assert view_consistency(probs, masks).item() == pytest.approx(expected, rel=1e-5)


def test_view_consistency_masked_frame_contributes_nothing():
    probs, masks = _three_views()
    masks[0, 1, 1] = False  # view 1 sees nobody at t1: pairs (0,1), (1,2) drop t1
    assert view_consistency(probs, masks).item() == pytest.approx(2 * LN2 / 6, rel=1e-5)
    changed = probs.clone()
    changed[0, 1, 1] = torch.tensor([0.3, 0.7])
    changed.requires_grad_()
    loss = view_consistency(changed, masks)
    assert loss.item() == pytest.approx(2 * LN2 / 6, rel=1e-5)
    loss.backward()
    assert torch.equal(changed.grad[0, 1, 1], torch.zeros(2))


def test_view_consistency_use_mask_false_ignores_masks():
    probs, masks = _three_views()
    masks[0, 1, 1] = False
    full = (2 * LN2 + 2 * 0.5 * 0.75 * LN43) / 6
    assert view_consistency(probs, masks, use_mask=False).item() == pytest.approx(full, rel=1e-5)
    assert view_consistency(probs, None, use_mask=False).item() == pytest.approx(full, rel=1e-5)


def test_view_consistency_use_confidence_false():
    probs, masks = _three_views()
    expected = (2 * LN2 + 2 * 0.75 * LN43) / 6
    assert view_consistency(probs, masks, use_confidence=False).item() == \
        pytest.approx(expected, rel=1e-5)


def test_confidence_weight_is_product_of_maxima():
    probs = torch.tensor([[[[0.5, 0.5]], [[0.75, 0.25]]]])  # B=1, V=2, T=1
    masks = torch.ones(1, 2, 1, dtype=torch.bool)
    weighted = view_consistency(probs, masks)
    plain = view_consistency(probs, masks, use_confidence=False)
    assert (weighted / plain).item() == pytest.approx(0.5 * 0.75, rel=1e-6)


def test_detach_weight_false_adds_the_gradient_through_w():
    # V=2, T=1, one pair: loss = w * JS with w = max p0 * max p1 = 0.6 * 0.75
    p0, p1 = [0.6, 0.4], [0.75, 0.25]
    mid = [(a + b) / 2 for a, b in zip(p0, p1)]
    js = 0.5 * sum(a * math.log(a / m) for a, m in zip(p0, mid)) + \
        0.5 * sum(b * math.log(b / m) for b, m in zip(p1, mid))
    masks = torch.ones(1, 2, 1, dtype=torch.bool)
    grads = {}
    for detach in (True, False):
        probs = torch.tensor([[[p0], [p1]]], requires_grad=True)  # (1, 2, 1, 2)
        loss = view_consistency(probs, masks, detach_weight=detach)
        assert loss.item() == pytest.approx(0.6 * 0.75 * js, rel=1e-5)
        loss.backward()
        grads[detach] = probs.grad[0, :, 0]
    # d w / d p0[0] = max p1 = 0.75, d w / d p1[0] = max p0 = 0.6; the rest of w's gradient is 0
    expected = torch.tensor([[0.75 * js, 0.0], [0.6 * js, 0.0]])
    assert torch.allclose(grads[False] - grads[True], expected, atol=1e-6)


def test_view_consistency_kl_variant():
    probs = torch.tensor([[[[0.5, 0.5]], [[0.75, 0.25]]]])
    masks = torch.ones(1, 2, 1, dtype=torch.bool)
    # KL(p_0 || p_1) = 1/2 ln(4/3), w = 0.375, one pair, one frame
    assert view_consistency(probs, masks, divergence='kl').item() == \
        pytest.approx(0.375 * 0.5 * LN43, rel=1e-6)
    # the ablation keeps the pair order i < j: swapping the views changes the value
    swapped = probs.flip(1)
    kl_swapped = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    assert view_consistency(swapped, masks, divergence='kl').item() == \
        pytest.approx(0.375 * kl_swapped, rel=1e-6)


def test_view_consistency_identical_views_zero_and_batch_mean():
    torch.manual_seed(0)
    same = torch.randn(1, 1, 4, 3).softmax(-1).expand(1, 3, 4, 3)
    masks = torch.ones(2, 3, 4, dtype=torch.bool)
    assert view_consistency(same, masks[:1]).item() == pytest.approx(0.0, abs=1e-7)
    probs, _ = _three_views()
    batch = torch.cat([probs, probs[:, :1].expand(1, 3, 2, 2)])  # 2nd sample consistent
    single = view_consistency(probs, masks[:1, :, :2])
    assert view_consistency(batch, masks[:, :, :2]).item() == pytest.approx(single.item() / 2)


def test_view_consistency_grad_is_finite_on_logits():
    logits = torch.randn(2, 4, 3, 5, requires_grad=True)
    masks = torch.rand(2, 4, 3) > 0.3
    view_consistency(F.softmax(logits, -1), masks).backward()
    assert torch.isfinite(logits.grad).all() and logits.grad.abs().sum() > 0


def test_view_consistency_errors():
    probs, masks = _three_views()
    with pytest.raises(ValueError, match='V >= 2'):
        view_consistency(probs[:, :1], masks[:, :1])
    with pytest.raises(ValueError, match='use_mask'):
        view_consistency(probs, None)
    with pytest.raises(ValueError, match="'js' or 'kl'"):
        view_consistency(probs, masks, divergence='l2')


def test_view_consistency_stats_hand_values():
    probs, masks = _three_views()
    masks[0, 1, 1] = False  # pairs (0,1), (1,2) lose t1: 4 of 6 (pair, frame) entries left
    stats = view_consistency_stats(probs, masks)
    assert stats['covisible'].item() == pytest.approx(4 / 6)
    # co-visible: (0,1,t0) w=1 JS=ln2; (0,2,t0) w=1 JS=0; (0,2,t1) w=1/4 JS=0; (1,2,t0) w=1 ln2
    assert stats['weight'].item() == pytest.approx((1 + 1 + 0.25 + 1) / 4)
    assert stats['js'].item() == pytest.approx(2 * LN2 / 4, rel=1e-5)
    unmasked = view_consistency_stats(probs)
    assert unmasked['covisible'].item() == 1.0
    assert unmasked['weight'].item() == pytest.approx((1 + 0.5 + 1 + 0.25 + 1 + 0.5) / 6)


def test_view_consistency_stats_without_covisible_frames_are_zero():
    probs, masks = _three_views()
    stats = view_consistency_stats(probs, torch.zeros_like(masks))
    assert [stats[k].item() for k in ('covisible', 'weight', 'js')] == [0.0, 0.0, 0.0]
