import math

import pytest
import torch

import mmvicokd  # noqa: F401
from mmaction.registry import MODELS
from mmvicokd.models.cross_modal import CrossModalAttention, sine_positional_encoding

D = 8


def build(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(dict(type='CrossModalAttention', dim=D, num_heads=2, max_len=16,
                             num_views=3, **kwargs))


def feats(seed, b=2, v=3, t=5):
    return torch.randn(b, v, t, D, generator=torch.Generator().manual_seed(seed))


def test_sine_positional_encoding_hand_values():
    pe = sine_positional_encoding(3, 4)
    # inverse frequencies 10000^(-0/4) = 1 and 10000^(-2/4) = 0.01
    expected = torch.tensor([
        [0.0, 1.0, 0.0, 1.0],
        [math.sin(1), math.cos(1), math.sin(0.01), math.cos(0.01)],
        [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)],
    ])
    torch.testing.assert_close(pe, expected)
    with pytest.raises(ValueError, match='even'):
        sine_positional_encoding(3, 5)


def test_shapes_and_residual_uses_original_visual():
    mod = build()
    visual, audio = feats(1), feats(2)
    attn, av = mod(visual, audio)
    assert attn.shape == av.shape == (2, 3, 5, D)
    assert torch.equal(av, visual + attn)


def test_known_value_with_uniform_attention():
    """Zero key projection → equal scores → uniform weights over time (Eq. 2).

    Then every time step gets out_proj(W_v · mean_s(a_s + pe_s + e_view) + b_v).
    """
    mod = build()
    with torch.no_grad():
        mod.attn.in_proj_weight[D:2 * D].zero_()
        mod.attn.in_proj_bias[D:2 * D].zero_()
    visual, audio = feats(1, t=4), feats(2, t=4)
    attn, av = mod(visual, audio)
    w_v, b_v = mod.attn.in_proj_weight[2 * D:], mod.attn.in_proj_bias[2 * D:]
    w_o, b_o = mod.attn.out_proj.weight, mod.attn.out_proj.bias
    pe = sine_positional_encoding(4, D)
    for b in range(2):
        for v in range(3):
            keys = audio[b, v] + pe + mod.view_embedding[v]
            expected = w_o @ (w_v @ keys.mean(0) + b_v) + b_o
            for t in range(4):
                torch.testing.assert_close(attn[b, v, t], expected)
                torch.testing.assert_close(av[b, v, t], visual[b, v, t] + expected)


def test_time_window_averages_only_nearby_audio():
    """With uniform scores (zero key projection), frame t gets the mean of the values of the
    audio steps s with |t - s| <= w: w = 0 the same step, w = 1 its neighbours too."""
    visual, audio = feats(1, t=4), feats(2, t=4)
    pe = sine_positional_encoding(4, D)
    for window, steps_of in ((0, lambda t: [t]),
                             (1, lambda t: [s for s in range(4) if abs(s - t) <= 1])):
        mod = build(time_window=window)
        with torch.no_grad():
            mod.attn.in_proj_weight[D:2 * D].zero_()
            mod.attn.in_proj_bias[D:2 * D].zero_()
        attn, _ = mod(visual, audio)
        w_v, b_v = mod.attn.in_proj_weight[2 * D:], mod.attn.in_proj_bias[2 * D:]
        w_o, b_o = mod.attn.out_proj.weight, mod.attn.out_proj.bias
        keys = audio[1, 2] + pe + mod.view_embedding[2]
        for t in range(4):
            expected = w_o @ (w_v @ keys[steps_of(t)].mean(0) + b_v) + b_o
            torch.testing.assert_close(attn[1, 2, t], expected)


def test_time_window_must_not_be_negative():
    with pytest.raises(ValueError, match='time_window'):
        build(time_window=-1)


def test_attention_stays_within_each_view_and_sample():
    mod = build()
    visual, audio = feats(1), feats(2)
    attn, _ = mod(visual, audio)
    audio2 = audio.clone()
    audio2[0, 1] += 5.0  # change one view of one sample
    attn2, _ = mod(visual, audio2)
    changed = (attn2 - attn).abs().amax(dim=(2, 3)) > 1e-6
    assert changed.tolist() == [[False, True, False], [False, False, False]]


def test_time_and_view_encodings_break_symmetry():
    mod = build()
    token_v, token_a = torch.randn(D), torch.randn(D)
    visual = token_v.expand(1, 3, 5, D).contiguous()
    audio = token_a.expand(1, 3, 5, D).contiguous()
    attn, _ = mod(visual, audio)
    assert not torch.allclose(attn[0, 0, 0], attn[0, 0, 1])  # time encoding
    assert not torch.allclose(attn[0, 0, 0], attn[0, 1, 0])  # view embedding
    attn.sum().backward()
    assert mod.view_embedding.grad is not None and mod.view_embedding.grad.abs().sum() > 0


def test_bad_inputs():
    mod = build()
    with pytest.raises(ValueError, match='one shape'):
        mod(feats(1), feats(2, t=4))
    with pytest.raises(ValueError, match='at most 3 views'):
        mod(feats(1, v=4), feats(2, v=4))
    with pytest.raises(ValueError, match='max_len'):
        mod(feats(1, t=17), feats(2, t=17))
    with pytest.raises(ValueError, match='divisible'):
        CrossModalAttention(dim=6, num_heads=4)
