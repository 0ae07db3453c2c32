"""The interface every fusion backbone keeps (docs/interfaces.md, "Fusion backbones")."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS

import mmvicokd  # noqa: F401  (registers the backbones)

B, V, T, D, C = 2, 5, 16, 48, 16
BACKBONES = ['MultiTSF', 'MultiASL', 'MultiTrans']
# aux loss keys (with human_mask, without human_mask)
AUX_KEYS = {
    'MultiTSF': ({'loss_human'}, set()),
    'MultiASL': ({'loss_cas', 'loss_actionness_av', 'loss_actionness_fusion'},) * 2,
    'MultiTrans': (set(), set()),
}


def build(name, num_views=V, **kwargs):
    return MODELS.build(dict(type=name, in_dim=D, num_classes=C, num_views=num_views, **kwargs))


def fixed_batch(num_views=V, num_frames=T, seed=0):
    g = torch.Generator().manual_seed(seed)
    av = torch.randn(B, num_views, num_frames, D, generator=g)
    frame_label = (torch.rand(B, num_frames, C, generator=g) > 0.8).float()
    frame_label[:, 0, 0] = 1.0  # every sample has a positive
    gt_label = frame_label.amax(dim=1)
    human_mask = torch.rand(B, num_views, num_frames, generator=g) > 0.5
    return av, gt_label, frame_label, human_mask


def total_loss(model, av, gt_label, frame_label, human_mask):
    out = model(av)
    loss = (F.binary_cross_entropy_with_logits(out['seq_logits'], gt_label)
            + F.binary_cross_entropy_with_logits(out['frame_logits'], frame_label))
    for value in model.aux_losses(out, gt_label, frame_label, human_mask).values():
        loss = loss + value
    return loss


@pytest.mark.parametrize('name', BACKBONES)
def test_build_and_shapes(name):
    model = build(name)
    assert type(model).__name__ == name
    av = fixed_batch()[0]
    out = model(av)
    assert out['view_frame_logits'].shape == (B, V, T, C)
    assert out['frame_logits'].shape == (B, T, C)
    assert out['seq_logits'].shape == (B, C)
    assert out['fusion'].shape == (B, V, T, D)
    for value in out.values():
        assert torch.isfinite(value.float()).all()


@pytest.mark.parametrize('name', BACKBONES)
@pytest.mark.parametrize('num_views,num_frames', [(1, 16), (5, 13), (3, 5), (2, 1)])
def test_odd_sizes(name, num_views, num_frames):
    model = build(name, num_views=num_views)
    av, gt_label, frame_label, human_mask = fixed_batch(num_views, num_frames)
    out = model(av)
    assert out['view_frame_logits'].shape == (B, num_views, num_frames, C)
    assert out['frame_logits'].shape == (B, num_frames, C)
    assert out['seq_logits'].shape == (B, C)
    assert out['fusion'].shape == (B, num_views, num_frames, D)
    losses = model.aux_losses(out, gt_label, frame_label, human_mask)
    assert all(torch.isfinite(v) for v in losses.values())


@pytest.mark.parametrize('name', BACKBONES)
def test_aux_loss_keys_and_values(name):
    model = build(name)
    av, gt_label, frame_label, human_mask = fixed_batch()
    out = model(av)
    with_mask, without_mask = AUX_KEYS[name]
    for fl in (frame_label, None):
        losses = model.aux_losses(out, gt_label, fl, human_mask)
        assert set(losses) == with_mask
        losses_no_mask = model.aux_losses(out, gt_label, fl, None)
        assert set(losses_no_mask) == without_mask
        for value in [*losses.values(), *losses_no_mask.values()]:
            assert value.ndim == 0 and torch.isfinite(value) and value >= 0


@pytest.mark.parametrize('name', BACKBONES)
def test_gradients_reach_every_parameter(name):
    torch.manual_seed(0)
    model = build(name)
    total_loss(model, *fixed_batch()).backward()
    missing = [n for n, p in model.named_parameters()
               if p.grad is None or not p.grad.abs().sum() > 0]
    assert not missing, f'no gradient for {missing}'


@pytest.mark.parametrize('name', BACKBONES)
def test_optimizer_steps_decrease_loss(name):
    torch.manual_seed(0)
    model = build(name, dropout=0.0)
    batch = fixed_batch(num_frames=8)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(15):
        loss = total_loss(model, *batch)
        optim.zero_grad()
        loss.backward()
        optim.step()
        losses.append(loss.item())
    assert losses[-1] < 0.8 * losses[0], losses


@pytest.mark.parametrize('name', BACKBONES)
def test_eval_is_deterministic(name):
    model = build(name).eval()
    av = fixed_batch()[0]
    with torch.no_grad():
        first, second = model(av), model(av)
    for key in ('seq_logits', 'frame_logits', 'view_frame_logits', 'fusion'):
        torch.testing.assert_close(first[key], second[key])


@pytest.mark.parametrize('name', BACKBONES)
def test_wrong_input_shape_raises(name):
    model = build(name)
    with pytest.raises(ValueError, match=name):
        model(torch.randn(B, V + 1, T, D))
    with pytest.raises(ValueError, match=name):
        model(torch.randn(B, V, T, D + 2))
    with pytest.raises(ValueError, match=name):
        model(torch.randn(V, T, D))
