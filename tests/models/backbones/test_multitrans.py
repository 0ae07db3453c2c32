"""MultiTrans-specific facts (the shared contract is in test_backbone_contract.py)."""
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


def test_pooling_is_max_over_views_then_time():
    model = build()
    with torch.no_grad():
        out = model(torch.randn(B, V, T, D))
    torch.testing.assert_close(out['view_frame_logits'], model.frame_head(out['fusion']))
    torch.testing.assert_close(out['frame_logits'], out['view_frame_logits'].amax(dim=1))
    torch.testing.assert_close(out['seq_logits'], out['frame_logits'].amax(dim=1))


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
