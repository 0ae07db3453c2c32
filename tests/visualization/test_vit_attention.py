"""Last-layer attention recomputed from q/k equals timm's own (unfused) attention."""
import pytest
import torch

from mmvicokd.models.encoders import TimmViTEncoder
from mmvicokd.visualization.vit_attention import (LastBlockAttention, attention_probs,
                                                  encoder_attention_maps, patch_attention)

TINY = dict(arch='vit_small_patch32_224', img_size=32, embed_dim=32, depth=2, num_heads=2,
            patch_size=8)


def timm_probabilities(vit, frames):
    """The probabilities timm's unfused path forms (its attn_drop input)."""
    attn = vit.blocks[-1].attn
    kept = []
    handle = attn.attn_drop.register_forward_hook(lambda m, args, out: kept.append(out))
    fused, attn.fused_attn = attn.fused_attn, False
    try:
        vit(frames)
    finally:
        attn.fused_attn = fused
        handle.remove()
    return kept[0]


@pytest.mark.parametrize('kwargs', [{}, dict(class_token=False, global_pool='avg')])
def test_recomputed_attention_equals_timm(kwargs):
    torch.manual_seed(0)
    encoder = TimmViTEncoder(**TINY, **kwargs).eval()
    frames = torch.randn(3, 3, 32, 32)
    with LastBlockAttention(encoder.model) as probe:
        encoder.model(frames)  # fused attention (timm's default)
    torch.testing.assert_close(probe.probabilities(), timm_probabilities(encoder.model, frames))
    maps = encoder_attention_maps(encoder, frames)
    assert maps.shape == (3, 4, 4)
    has_cls = not kwargs
    # CLS row over the patches (the CLS key itself left out) or mean received attention
    probs = probe.probabilities()
    rows = probs[:, :, 0, 1:] if has_cls else probs.mean(dim=2)
    torch.testing.assert_close(maps.flatten(1), rows.mean(dim=1))


def test_patch_attention_by_hand():
    probs = torch.tensor([[[[0.5, 0.2, 0.3], [0.1, 0.6, 0.3], [0.2, 0.2, 0.6]],
                           [[0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.4, 0.4, 0.2]]]])
    torch.testing.assert_close(patch_attention(probs, 1, True), torch.tensor([[0.15, 0.55]]))
    torch.testing.assert_close(patch_attention(probs, 0, False)[0, 0],
                               torch.tensor((0.8 / 3 + 0.8 / 3) / 2))
    q = torch.tensor([[[[1.0, 0.0], [0.0, 1.0]]]])
    expected = torch.softmax(torch.tensor([[2.0, 0.0], [0.0, 2.0]]), -1)
    torch.testing.assert_close(attention_probs(q, q, 2.0)[0, 0], expected)


def test_probe_errors():
    with pytest.raises(TypeError, match='not a timm VisionTransformer'):
        LastBlockAttention(torch.nn.Linear(2, 2))
    encoder = TimmViTEncoder(**TINY)
    with pytest.raises(RuntimeError, match='no forward pass'):
        LastBlockAttention(encoder.model).probabilities()
