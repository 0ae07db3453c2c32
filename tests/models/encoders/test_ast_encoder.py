import re

import pytest
import torch

import mmvicokd  # noqa: F401  (compat fixes)
from mmaction.registry import MODELS
from mmvicokd.models.encoders import ASTEncoder

TINY = dict(embed_dim=32, depth=1, num_heads=2, patch_size=16, input_tdim=16)


def build(**kwargs):
    torch.manual_seed(0)
    return ASTEncoder(**{**TINY, **kwargs})


def fbank(b=2, v=3, t=4, fa=16):
    return torch.randn(b, v, t, fa, 128, generator=torch.Generator().manual_seed(1))


def test_shapes_registry_and_projection():
    enc = MODELS.build(dict(type='ASTEncoder', **TINY))
    assert enc.out_dim == 32
    assert enc.frame_shape == (16, 128)
    assert enc(fbank()).shape == (2, 3, 4, 32)
    proj = build(out_dim=48)
    assert proj.out_dim == 48
    assert proj(fbank()).shape == (2, 3, 4, 48)


def test_overlapping_patch_grid_follows_ast():
    # frequency x time image (128, 40), 16x16 patches, stride 10: (128-16)//10+1 = 12 by
    # (40-16)//10+1 = 3 patches, plus AST's CLS and distillation tokens
    enc = build(input_tdim=40, fstride=10, tstride=10)
    assert enc.model.patch_embed.grid_size == (12, 3)
    assert enc.model.patch_embed.proj.stride == (10, 10)
    assert enc.model.pos_embed.shape == (1, 12 * 3 + 2, 32)
    assert enc.model.num_prefix_tokens == 2
    assert build(dist_token=False).model.pos_embed.shape == (1, 12 * 1 + 1, 32)
    assert enc(fbank(t=2, fa=40)).shape == (2, 3, 2, 32)
    # non-overlapping: 8 x 2 patches
    enc = build(input_tdim=32, fstride=16, tstride=16)
    assert enc.model.patch_embed.grid_size == (8, 2)


def test_cpu_autocast_projects_patches_in_float32():
    """A one-patch-wide window (16 frames, patch 16) under CPU bf16 autocast: the projection is
    the float32 one, bit for bit (torch's bf16 CPU convolution of this shape reads
    uninitialised memory; ast_encoder.OverlappingPatchEmbed.forward)."""
    embed = build().model.patch_embed
    x = torch.randn(48, 1, 128, 16, generator=torch.Generator().manual_seed(2))
    expected = embed(x)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = embed(x)
    assert out.dtype == torch.float32
    assert torch.equal(out, expected)


def test_window_is_transposed_to_frequency_by_time():
    enc = build(input_tdim=40).eval()
    x = fbank(fa=40)
    out = enc(x)
    window = x[1, 2, 3]  # (Fa=40 time, 128 frequency)
    expected = enc.model(window.t()[None, None])[0]  # timm sees (1, 1, 128, 40)
    torch.testing.assert_close(out[1, 2, 3], expected)


def test_ast_pools_the_mean_of_its_two_tokens():
    enc = build().eval()
    x = fbank()
    tokens = enc.model.forward_features(x[0, 0].transpose(1, 2).unsqueeze(1))  # after the norm
    torch.testing.assert_close(enc(x)[0, 0], (tokens[:, 0] + tokens[:, 1]) / 2)
    with pytest.raises(ValueError, match='global_pool'):
        build(global_pool='avg')  # the distilled layout reads its two tokens


def test_avg_pool_differs_from_token_pool():
    tok = build(global_pool='token', dist_token=False).eval()
    avg = build(global_pool='avg', dist_token=False).eval()
    avg.load_state_dict(tok.state_dict(), strict=False)
    assert avg(fbank()).shape == (2, 3, 4, 32)
    assert not torch.allclose(avg(fbank()), tok(fbank()))
    with pytest.raises(ValueError, match='global_pool'):
        build(global_pool='max', dist_token=False)


def test_chunked_equals_unchunked():
    big = build(chunk_size=1000).eval()
    small = build(chunk_size=7).eval()
    small.load_state_dict(big.state_dict())
    torch.testing.assert_close(small(fbank()), big(fbank()))


def test_bad_input_shape():
    enc = build()
    with pytest.raises(ValueError, match=r'ASTEncoder expects .*\(B, V, T, 16, 128\)'):
        enc(fbank(fa=40))


def test_frozen_no_grad_eval_and_unchanged_by_a_step():
    enc = build(frozen=True, out_dim=8)
    assert all(not p.requires_grad for p in enc.parameters())
    enc.train()
    assert not any(m.training for m in enc.modules())
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    head = torch.nn.Linear(8, 1)
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=0.1)
    out = enc(fbank())
    assert not out.requires_grad
    head(out).square().mean().backward()
    head_before = head.weight.detach().clone()
    opt.step()
    for key, value in enc.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert not torch.equal(head.weight, head_before)


def test_checkpoint_round_trip(tmp_path):
    src = build().eval()
    path = tmp_path / 'ast.pth'
    torch.save(dict(state_dict=src.model.state_dict(), meta=dict(epoch=3)), path)
    torch.manual_seed(7)
    enc = ASTEncoder(**TINY, checkpoint=str(path))
    enc.init_weights()
    enc.eval()
    torch.testing.assert_close(enc(fbank()), src(fbank()))


def test_checkpoint_mismatch_names_file_and_format(tmp_path):
    other = build(embed_dim=16)  # another width
    path = tmp_path / 'ast_narrow.pth'
    torch.save(other.model.state_dict(), path)
    enc = ASTEncoder(**TINY, checkpoint=str(path))  # building reads no file
    with pytest.raises(RuntimeError, match=re.escape(str(path)) + r"' \(read as timm state "
                       r'dict\).*shape mismatches: blocks'):
        enc.init_weights()
    no_dist = build(dist_token=False)
    torch.save(no_dist.model.state_dict(), path)
    with pytest.raises(RuntimeError, match='missing keys: dist_token'):
        enc.init_weights()
