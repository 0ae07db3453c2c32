"""MultiTSF-specific facts (the shared contract is in test_backbone_contract.py)."""
import math

import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd  # noqa: F401

B, V, T, D, C = 2, 4, 6, 48, 5


def build(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='MultiTSF', in_dim=D, num_classes=C, num_views=V,
                             **kwargs)).eval()


def test_architecture_follows_the_authors():
    model = build()
    assert len(model.temporal.encoder.layers) == 2
    assert model.temporal.num_prefix_tokens == 1 and model.temporal.time_embedding
    view_layer = model.view_fusion.layers[0]
    assert len(model.view_fusion.layers) == 1
    assert view_layer.self_attn.num_heads == 4 and view_layer.linear1.out_features == 256
    assert view_layer.norm_first is False
    assert isinstance(model.seq_head[0], torch.nn.LayerNorm)


def test_frame_logits_are_max_over_views_of_a_per_view_head():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    torch.testing.assert_close(out['frame_logits'], out['view_frame_logits'].amax(dim=1))
    torch.testing.assert_close(out['view_frame_logits'], model.frame_head(out['fusion']))


def test_temporal_path_is_per_view_and_sequence_mixes_views():
    model = build()
    av = torch.randn(B, V, T, D)
    changed = av.clone()
    changed[:, 0] = torch.randn(B, T, D)
    with torch.no_grad():
        out, out2 = model(av), model(changed)
    torch.testing.assert_close(out2['fusion'][:, 1:], out['fusion'][:, 1:])
    assert (out2['fusion'][:, 0] - out['fusion'][:, 0]).abs().max() > 1e-2
    assert (out2['seq_logits'] - out['seq_logits']).abs().max() > 1e-3


def test_view_order_does_not_change_predictions():
    model = build()
    av = torch.randn(B, V, T, D)
    perm = torch.tensor([2, 0, 3, 1])
    with torch.no_grad():
        out, out_perm = model(av), model(av[:, perm])
    torch.testing.assert_close(out_perm['seq_logits'], out['seq_logits'])
    torch.testing.assert_close(out_perm['frame_logits'], out['frame_logits'])
    torch.testing.assert_close(out_perm['view_frame_logits'], out['view_frame_logits'][:, perm])


def test_human_loss_hand_value_and_weight():
    model = build(human_loss_weight=2.0)
    outputs = dict(human_logits=torch.zeros(B, V, T))
    mask = torch.rand(B, V, T) > 0.5
    losses = model.aux_losses(outputs, torch.ones(B, C), None, mask)
    assert losses['loss_human'].item() == pytest.approx(2 * math.log(2), abs=1e-6)
    # a confident right answer costs almost nothing
    logits = torch.where(mask, 20.0, -20.0)
    losses = model.aux_losses(dict(human_logits=logits), torch.ones(B, C), None, mask)
    assert losses['loss_human'].item() < 1e-6


def test_human_head_reads_the_input_features():
    model = build()
    av = torch.randn(B, V, T, D)
    with torch.no_grad():
        out = model(av)
    torch.testing.assert_close(out['human_logits'], model.human_head(av).squeeze(-1))


def test_human_mask_of_wrong_shape_raises():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    with pytest.raises(ValueError, match='human_mask'):
        model.aux_losses(out, torch.ones(B, C), None, torch.ones(B, T, V, dtype=torch.bool))
