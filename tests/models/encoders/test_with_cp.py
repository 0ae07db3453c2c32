"""Activation checkpointing (with_cp) of the frame encoders, and cached-feature inputs."""
import pytest
import torch

from mmvicokd.models.encoders import ASTEncoder, TimmViTEncoder
from mmvicokd.experiments.speed.measure import saved_tensor_bytes

VIT = dict(arch='vit_small_patch32_224', img_size=32, embed_dim=32, depth=3, num_heads=2,
           patch_size=16)
AST = dict(embed_dim=32, depth=3, num_heads=2, input_tdim=16, fstride=16, tstride=16)


def pair(cls, **kwargs):
    torch.manual_seed(0)
    plain = cls(**kwargs)
    checkpointed = cls(**kwargs, with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    return plain, checkpointed


@pytest.mark.parametrize('cls,kwargs,shape', [(TimmViTEncoder, VIT, (2, 3, 4, 3, 32, 32)),
                                              (ASTEncoder, AST, (2, 3, 4, 16, 128))])
def test_with_cp_same_numbers_less_kept_memory(cls, kwargs, shape):
    plain, checkpointed = pair(cls, **kwargs)
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(1))
    kept = {}
    for name, enc in (('plain', plain), ('cp', checkpointed)):
        kept[name], out = saved_tensor_bytes(lambda: enc(x), exclude=[*enc.parameters(), x])
        (out ** 2).sum().backward()
        kept[name + '_out'] = out.detach()
    assert checkpointed.model.grad_checkpointing
    torch.testing.assert_close(kept['cp_out'], kept['plain_out'])
    for (name, p), q in zip(plain.named_parameters(), checkpointed.parameters()):
        torch.testing.assert_close(q.grad, p.grad, msg=name)
    # 3 blocks: only each block's input is kept instead of all its activations
    assert kept['cp'] < 0.5 * kept['plain'], kept
    with torch.no_grad():  # nothing to recompute without gradients
        checkpointed(x)
    assert not checkpointed.model.grad_checkpointing


def test_encode_inputs_takes_cached_features_of_frozen_encoders_only():
    torch.manual_seed(0)
    frozen = TimmViTEncoder(**VIT, frozen=True)
    feats = torch.randn(2, 3, 4, 32)
    assert frozen.encode_inputs(dict(visual_feat=feats), 'video', 'visual_feat') is feats
    video = torch.randn(2, 3, 4, 3, 32, 32)
    torch.testing.assert_close(frozen.encode_inputs(dict(video=video), 'video', 'visual_feat'),
                               frozen(video))
    with pytest.raises(ValueError, match=r'must be \(B, V, T, 32\), got \(2, 3, 4, 16\)'):
        frozen.encode_inputs(dict(visual_feat=torch.randn(2, 3, 4, 16)), 'video', 'visual_feat')
    trainable = TimmViTEncoder(**VIT)
    with pytest.raises(ValueError, match='trainable .*never be trained'):
        trainable.encode_inputs(dict(visual_feat=feats), 'video', 'visual_feat')
