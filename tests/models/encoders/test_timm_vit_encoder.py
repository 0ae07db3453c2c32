import re

import pytest
import torch
from mmengine.logging import HistoryBuffer
from safetensors.torch import save_file

import mmvicokd  # noqa: F401  (compat fixes: checkpoint globals)
from mmaction.registry import MODELS
from mmvicokd.experiments.speed.weight_writers import write_augreg_npz
from mmvicokd.models.encoders import TimmViTEncoder

TINY = dict(arch='vit_small_patch32_224', img_size=32, embed_dim=32, depth=1, num_heads=2,
            patch_size=16)


def build(**kwargs):
    torch.manual_seed(0)
    return TimmViTEncoder(**{**TINY, **kwargs})


def frames(b=2, v=3, t=4):
    return torch.randn(b, v, t, 3, 32, 32, generator=torch.Generator().manual_seed(1))


def test_shapes_and_registry():
    enc = MODELS.build(dict(type='TimmViTEncoder', **TINY))
    assert enc.out_dim == 32
    assert enc.frame_shape == (3, 32, 32)
    out = enc(frames())
    assert out.shape == (2, 3, 4, 32)
    assert out.requires_grad


def test_frame_wise_and_shared_over_views():
    enc = build().eval()
    x = frames()
    out = enc(x)
    # each (b, v, t) feature is the timm model applied to that frame alone
    expected = enc.model(x[1, 2, 3][None])[0]
    torch.testing.assert_close(out[1, 2, 3], expected)
    # the same frame in another view gives the same feature (weights shared)
    x2 = x.clone()
    x2[0, 1, 2] = x[1, 2, 3]
    torch.testing.assert_close(enc(x2)[0, 1, 2], expected)


def test_chunked_equals_unchunked():
    big = build(chunk_size=1000).eval()
    small = build(chunk_size=5).eval()
    small.load_state_dict(big.state_dict())
    x = frames()  # 24 frames: chunks of 5, 5, 5, 5, 4
    torch.testing.assert_close(small(x), big(x))


def test_bad_input_shape():
    enc = build()
    with pytest.raises(ValueError, match=r'\(B, V, T, 3, 32, 32\)'):
        enc(torch.randn(2, 3, 4, 3, 64, 64))
    with pytest.raises(ValueError, match='TimmViTEncoder'):
        enc(torch.randn(4, 3, 32, 32))


def test_frozen_no_grad_eval_and_unchanged_by_a_step():
    enc = build(frozen=True)
    assert all(not p.requires_grad for p in enc.parameters())
    enc.train()
    assert not enc.training and not any(m.training for m in enc.modules())
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    head = torch.nn.Linear(32, 1)
    opt = torch.optim.SGD(list(enc.parameters()) + list(head.parameters()), lr=1.0)
    x = frames().requires_grad_(True)
    out = enc(x)
    assert not out.requires_grad  # forward ran under no_grad
    loss = head(out).square().mean()
    loss.backward()
    head_before = head.weight.detach().clone()
    opt.step()
    for key, value in enc.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert not torch.equal(head.weight, head_before)


def test_unfrozen_gets_gradients():
    enc = build()
    enc(frames()).sum().backward()
    assert enc.model.patch_embed.proj.weight.grad is not None
    assert enc.model.patch_embed.proj.weight.grad.abs().sum() > 0


def loaded(path, **overrides):
    """Build with ``checkpoint=path`` and load it, as a runner does before training."""
    enc = TimmViTEncoder(**{**TINY, **overrides}, checkpoint=str(path))
    enc.init_weights()
    return enc


def test_checkpoint_is_read_by_init_weights_not_at_build(tmp_path):
    src = build()
    path = tmp_path / 'vit.pth'
    TimmViTEncoder(**TINY, checkpoint=str(path))  # no file yet: building needs none
    torch.save(src.model.state_dict(), path)
    torch.manual_seed(123)
    enc = TimmViTEncoder(**TINY, checkpoint=str(path))
    assert not torch.equal(enc.model.patch_embed.proj.weight, src.model.patch_embed.proj.weight)
    enc.init_weights()  # what a runner does before training
    for key, value in src.model.state_dict().items():
        assert torch.equal(enc.model.state_dict()[key], value), key


def test_checkpoint_round_trip_plain_and_mmengine(tmp_path):
    src = build().eval()
    x = frames()
    plain = tmp_path / 'plain.pth'
    torch.save(src.model.state_dict(), plain)
    mme = tmp_path / 'epoch_1.pth'
    history = HistoryBuffer([1.0, 2.0], [1, 1])
    torch.save(dict(meta=dict(epoch=1), state_dict=src.model.state_dict(),
                    message_hub=dict(log_scalars=dict(loss=history))), mme)
    for path in (plain, mme):
        torch.manual_seed(99)  # a different random init, overwritten by the file
        enc = loaded(path).eval()
        torch.testing.assert_close(enc(x), src(x))


def test_checkpoint_safetensors_with_classifier_head(tmp_path):
    src = build().eval()
    state = dict(src.model.state_dict())
    state['head.weight'] = torch.zeros(10, 32)
    state['head.bias'] = torch.zeros(10)
    path = tmp_path / 'model.safetensors'
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    enc = loaded(path).eval()
    x = frames()
    torch.testing.assert_close(enc(x), src(x))


def test_checkpoint_mismatch_names_file(tmp_path):
    other = TimmViTEncoder(**{**TINY, 'embed_dim': 48})
    path = tmp_path / 'wide_vit.pth'
    torch.save(other.model.state_dict(), path)
    with pytest.raises(RuntimeError, match=re.escape(str(path)) + '.*shape mismatches'):
        loaded(path)
    deeper = TimmViTEncoder(**{**TINY, 'depth': 2})
    path2 = tmp_path / 'deep_vit.pth'
    torch.save(deeper.model.state_dict(), path2)
    with pytest.raises(RuntimeError, match=re.escape(str(path2)) + '.*unexpected keys: blocks.1'):
        loaded(path2)


def test_checkpoint_missing_or_unreadable(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere.pth'):
        loaded(tmp_path / 'nowhere.pth')
    junk = tmp_path / 'junk.pth'
    junk.write_bytes(b'not a checkpoint')
    with pytest.raises(RuntimeError, match='junk.pth'):
        loaded(junk)


def test_checkpoint_augreg_npz_equals_timms_own_loading(tmp_path):
    import timm
    src = build(depth=2).eval()
    path = tmp_path / 'S_32-i21k-300ep.npz'
    write_augreg_npz(src.model, path)
    enc = loaded(path, depth=2).eval()
    reference = timm.create_model(TINY['arch'], pretrained=False, num_classes=0, img_size=32,
                                  embed_dim=32, depth=2, num_heads=2, patch_size=16).eval()
    reference.load_pretrained(str(path))  # timm's own reader of the file
    x = frames()
    torch.testing.assert_close(enc(x), reference(x.flatten(0, 2)).reshape(2, 3, 4, 32))
    torch.testing.assert_close(enc(x), src(x), atol=1e-5, rtol=1e-5)  # the layout is right


def test_checkpoint_npz_that_does_not_fit_names_the_file(tmp_path):
    path = tmp_path / 'deep.npz'
    write_augreg_npz(build(depth=2).model, path)
    with pytest.raises(RuntimeError, match=re.escape(str(path)) + r"' \(read as big_vision"):
        loaded(path, depth=3)


def test_checkpoint_hub_download_folder(tmp_path):
    src = build().eval()
    folder = tmp_path / 'models--timm--vit' / 'snapshots' / 'abc123'
    folder.mkdir(parents=True)
    save_file({k: v.contiguous() for k, v in src.model.state_dict().items()},
              str(folder / 'model.safetensors'))
    enc = loaded(tmp_path / 'models--timm--vit').eval()
    torch.testing.assert_close(enc(frames()), src(frames()))


def test_logs_once_what_it_starts_from(tmp_path, monkeypatch):
    from mmengine.logging import MMLogger
    logger = MMLogger.get_current_instance()
    said = []
    monkeypatch.setattr(logger, 'warning', lambda msg, *a, **k: said.append(('warning', msg)))
    monkeypatch.setattr(logger, 'info', lambda msg, *a, **k: said.append(('info', msg)))
    build().init_weights()
    assert len(said) == 1 and said[0][0] == 'warning' and 'random initialisation' in said[0][1]
    path = tmp_path / 'vit.npz'
    write_augreg_npz(build().model, path)
    said.clear()
    loaded(path)
    assert said == [('info', f"TimmViTEncoder: weights loaded from '{path}' (big_vision .npz)")]
