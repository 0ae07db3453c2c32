"""Shared Transformer blocks of the fusion backbones."""
import math

import pytest
import torch
import torch.nn as nn

from mmvicokd.models.backbones.layers import TemporalEncoder, TransformerEncoder


def test_transformer_encoder_layout():
    enc = TransformerEncoder(16, num_layers=2, num_heads=4, ffn_dim=32, norm_first=False,
                             activation='relu', final_norm=False)
    assert len(enc.layers) == 2
    assert all(isinstance(layer, nn.TransformerEncoderLayer) for layer in enc.layers)
    assert enc.layers[0].norm_first is False
    assert enc.layers[0].linear1.out_features == 32
    assert isinstance(enc.norm, nn.Identity)
    assert enc(torch.randn(3, 5, 16)).shape == (3, 5, 16)
    pre = TransformerEncoder(16, num_layers=1, num_heads=4, ffn_dim=32)
    assert pre.layers[0].norm_first is True and isinstance(pre.norm, nn.LayerNorm)


def test_transformer_encoder_rejects_bad_heads():
    with pytest.raises(ValueError):
        TransformerEncoder(10, num_layers=1, num_heads=4, ffn_dim=8)
    with pytest.raises(ValueError):
        TransformerEncoder(8, num_layers=0, num_heads=4, ffn_dim=8)


def _bare(encoder):
    """The encoder with its Transformer replaced by identity: shows what goes in."""
    encoder.encoder = nn.Identity()
    return encoder.eval()


def test_sine_time_embedding_values_with_cls():
    d = 8
    enc = _bare(TemporalEncoder(d, num_layers=1, num_heads=2))
    out = enc(torch.zeros(1, 3, d))
    assert out.shape == (1, 4, d)
    # position 0 (CLS): sin(0)=0 on even dims, cos(0)=1 on odd dims
    expected_t0 = torch.tensor([0., 1.] * (d // 2))
    torch.testing.assert_close(out[0, 0] - enc.cls_token[0, 0], expected_t0)
    # position 1 (first frame): dims (0, 1) = (sin 1, cos 1), (2, 3) use 1 / 10000^(2/8)
    f = 1 / 10000 ** (2 / d)
    torch.testing.assert_close(out[0, 1, :4], torch.tensor([math.sin(1), math.cos(1),
                                                            math.sin(f), math.cos(f)]))


def test_sine_time_embedding_without_cls():
    enc = _bare(TemporalEncoder(4, num_layers=1, num_heads=2, cls_token=False))
    assert enc.num_prefix_tokens == 0
    out = enc(torch.zeros(2, 3, 4))
    assert out.shape == (2, 3, 4)
    torch.testing.assert_close(out[1, 0], torch.tensor([0., 1., 0., 1.]))


def test_temporal_encoder_shapes_and_prefix():
    enc = TemporalEncoder(16, num_layers=2, num_heads=4)
    assert enc.num_prefix_tokens == 1
    assert enc.encoder.layers[0].linear1.out_features == 64  # 4 * D by default
    assert enc(torch.randn(3, 7, 16)).shape == (3, 8, 16)


def test_temporal_encoder_without_time_embedding_is_order_free():
    torch.manual_seed(0)
    enc = TemporalEncoder(16, num_layers=1, num_heads=4, time_embedding=False).eval()
    x = torch.randn(2, 6, 16)
    perm = torch.tensor([3, 0, 5, 1, 4, 2])
    with torch.no_grad():
        out, out_perm = enc(x), enc(x[:, perm])
    torch.testing.assert_close(out_perm[:, 1:], out[:, 1:][:, perm])
    torch.testing.assert_close(out_perm[:, 0], out[:, 0])


def test_temporal_encoder_rejects_odd_dim_with_time_embedding():
    with pytest.raises(ValueError):
        TemporalEncoder(9, num_layers=1, num_heads=3)
    TemporalEncoder(9, num_layers=1, num_heads=3, time_embedding=False)
