"""MultiTrans-specific facts (the shared contract is in test_backbone_contract.py)."""
import pytest
import torch
from mmaction.registry import MODELS

import mmvicokd  # noqa: F401

B, V, T, D, C = 2, 3, 7, 48, 5


def build(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='MultiTrans', in_dim=D, num_classes=C, num_views=V,
                             **kwargs)).eval()


def test_layout():
    model = build(num_view_layers=2, num_temporal_layers=3)
    assert model.view_embed.shape == (V, D)
    assert len(model.view_fusion.layers) == 2
    assert len(model.temporal.encoder.layers) == 3
    assert model.temporal.num_prefix_tokens == 0 and model.temporal.time_embedding


def test_frame_pooling_is_max_over_views():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    torch.testing.assert_close(out['view_frame_logits'], model.frame_head(out['fusion']))
    torch.testing.assert_close(out['frame_logits'], out['view_frame_logits'].amax(dim=1))


def test_sequence_head_is_the_classifier_on_the_temporal_mean():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    expected = model.frame_head(out['fusion'].mean(dim=2)).amax(dim=1)
    torch.testing.assert_close(out['seq_logits'], expected)
    # a linear classifier commutes with the mean: max_v mean_t of the view frame logits
    torch.testing.assert_close(out['seq_logits'], out['view_frame_logits'].mean(dim=2).amax(1))


def test_sequence_head_hand_value():
    """One view, D=2, C=1: features (1, 0), (3, 2) over T=2; classifier w=(1, -1), b=0.5.

    Average pooling: (2, 1) -> 2 - 1 + 0.5 = 1.5 (max pooling of the frame logits would give
    max(1.5, 1.5) = 1.5 too, so a third frame (0, 4) -> -3.5 tells them apart:
    mean (4/3, 2) -> 4/3 - 2 + 0.5 = -1/6, while max over frames = 1.5)."""
    model = MODELS.build(dict(type='MultiTrans', in_dim=2, num_classes=1, num_views=1,
                              num_heads=1)).eval()
    fusion = torch.tensor([[[[1.0, 0.0], [3.0, 2.0], [0.0, 4.0]]]])
    with torch.no_grad():
        model.frame_head.weight.copy_(torch.tensor([[1.0, -1.0]]))
        model.frame_head.bias.fill_(0.5)
        model.temporal.forward = lambda x: x  # feed the hand-made F_Fusion straight through
        model.view_fusion.forward = lambda x: x
        model.view_embed.zero_()
        out = model(fusion)
    assert out['seq_logits'].item() == pytest.approx(-1.0 / 6.0, abs=1e-6)
    assert out['frame_logits'].amax().item() == pytest.approx(1.5, abs=1e-6)


def test_views_exchange_information_at_each_frame():
    model = build()
    av = torch.randn(B, V, T, D)
    changed = av.clone()
    changed[:, 0, 3] = torch.randn(B, D)  # one frame of one view
    with torch.no_grad():
        out, out2 = model(av), model(changed)
    assert (out2['fusion'][:, 1] - out['fusion'][:, 1]).abs().max() > 1e-3


def test_sensor_embeddings_tell_views_apart():
    model = build()
    av = torch.randn(1, 1, T, D).expand(B, V, T, D)  # every view sees the same thing
    with torch.no_grad():
        out = model(av)
    assert (out['fusion'][:, 0] - out['fusion'][:, 1]).abs().max() > 1e-3
    with torch.no_grad():
        model.view_embed.zero_()
        out = model(av)
    torch.testing.assert_close(out['fusion'][:, 0], out['fusion'][:, 1])


def test_no_aux_losses():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    assert model.aux_losses(out, torch.ones(B, C), torch.ones(B, T, C),
                            torch.ones(B, V, T, dtype=torch.bool)) == {}
