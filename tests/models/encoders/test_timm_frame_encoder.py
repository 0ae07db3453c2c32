"""TimmFrameEncoder: any timm image model (CNN or ViT) per frame, its weight files, with_cp."""
import re

import pytest
import timm
import torch
from safetensors.torch import save_file

import mmvicokd  # noqa: F401  (registers the encoders)
from mmaction.registry import MODELS
from mmvicokd.models.encoders import TimmFrameEncoder, TimmViTEncoder

# a narrow ResNet-18 (timm's ResNet with its own classifier 'fc'): 64 wide, 91 k parameters
CNN = dict(arch='resnet18', img_size=32, layers=(1, 1, 1, 1), channels=(8, 16, 32, 64),
           stem_width=8)
VIT = dict(arch='vit_small_patch32_224', img_size=32, embed_dim=32, depth=1, num_heads=2,
           patch_size=16)


# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def build(seed=0, **kwargs):
    torch.manual_seed(seed)
    return TimmFrameEncoder(**kwargs)


def frames(b=2, v=2, t=3, size=32):
    return torch.randn(b, v, t, 3, size, size, generator=torch.Generator().manual_seed(1))


def loaded(path, **kwargs):
    """Built with another random init, then ``checkpoint=path`` loaded as a runner does."""
    enc = build(seed=99, checkpoint=str(path), **kwargs)
    enc.init_weights()
    return enc.eval()


def test_a_cnn_encodes_every_frame_with_timms_pooled_feature():
    enc = MODELS.build(dict(type='TimmFrameEncoder', **CNN)).eval()
    assert enc.out_dim == 64 and enc.frame_shape == (3, 32, 32)
    x = frames()
    out = enc(x)
    assert out.shape == (2, 2, 3, 64)
    # the feature of one frame is timm's global-average-pooled feature of that frame alone
    model = enc.model
    by_hand = model.global_pool(model.forward_features(x[1, 0, 2][None]))
    torch.testing.assert_close(out[1, 0, 2], by_hand[0])


def test_width_is_timms_pooled_size():
    # MobileNetV3's pooled feature goes through its 1024-wide conv head, not num_features (288)
    enc = TimmFrameEncoder('mobilenetv3_small_050', img_size=32).eval()
    assert enc.model.num_features == 288 and enc.out_dim == 1024
    assert enc(frames(1, 1, 1)).shape == (1, 1, 1, 1024)


@pytest.mark.parametrize('name', ['model.safetensors', 'resnet.pth', 'hub'])
def test_cnn_loads_the_file_it_was_saved_to_and_gives_the_same_features(tmp_path, name):
    src = build(**CNN).eval()
    state = dict(src.model.state_dict(), **{'fc.weight': torch.zeros(10, 64),
                                            'fc.bias': torch.zeros(10)})  # timm's classifier
    if name == 'hub':  # a Hugging Face hub download folder holding model.safetensors
        path = tmp_path / 'models--timm--resnet18.a1_in1k'
        (path / 'snapshots' / 'abc').mkdir(parents=True)
        save_file(state, str(path / 'snapshots' / 'abc' / 'model.safetensors'))
    elif name.endswith('.safetensors'):
        path = tmp_path / name
        save_file(state, str(path))
    else:
        path = tmp_path / name
        torch.save(state, path)
    enc = loaded(path, **CNN)
    x = frames()
    torch.testing.assert_close(enc(x), src(x))


def test_convnext_keeps_its_head_norm_and_drops_the_classifier(tmp_path):
    kwargs = dict(arch='convnext_atto', img_size=32, depths=(1, 1, 1, 1))
    src = build(**kwargs).eval()
    assert src.out_dim == 320
    state = dict(src.model.state_dict(), **{'head.fc.weight': torch.zeros(5, 320),
                                            'head.fc.bias': torch.zeros(5)})
    assert 'head.norm.weight' in state  # part of the pooled feature, kept
    save_file(state, str(tmp_path / 'model.safetensors'))
    enc = loaded(tmp_path / 'model.safetensors', **kwargs)
    torch.testing.assert_close(enc(frames()), src(frames()))


def test_a_vit_of_another_size_resamples_its_position_table_as_timm_does(tmp_path):
    src = build(**VIT)  # 2 x 2 patches
    path = tmp_path / 'vit.safetensors'
    save_file(dict(src.model.state_dict()), str(path))
    enc = loaded(path, **dict(VIT, img_size=48))  # 3 x 3 patches
    reference = timm.create_model(VIT['arch'], pretrained=False, num_classes=0, img_size=48,
                                  embed_dim=32, depth=1, num_heads=2, patch_size=16)
    reference.load_state_dict(timm.models.vision_transformer.checkpoint_filter_fn(
        dict(src.model.state_dict()), reference))
    assert enc.model.pos_embed.shape == (1, 10, 32)
    torch.testing.assert_close(enc.model.pos_embed, reference.pos_embed)
    assert enc(frames(size=48)).shape == (2, 2, 3, 32)


def test_timm_vit_encoder_is_the_same_implementation():
    assert issubclass(TimmViTEncoder, TimmFrameEncoder)
    old, new = TimmViTEncoder(**VIT), TimmFrameEncoder(**VIT)
    assert {k: v.shape for k, v in old.state_dict().items()} == {
        k: v.shape for k, v in new.state_dict().items()}
    with torch.device('meta'):  # the paper's default, without allocating it
        paper = TimmViTEncoder()
    assert paper.arch == 'vit_small_patch32_224' and paper.out_dim == 384


def test_with_cp_on_a_cnn_gives_the_same_numbers():
    plain, checkpointed = build(**CNN), build(**CNN, with_cp=True)
    x = frames(1, 1, 2)
    for enc in (plain, checkpointed):
        enc(x).square().sum().backward()
    assert checkpointed.model.grad_checkpointing
    for (name, p), q in zip(plain.named_parameters(), checkpointed.parameters()):
        torch.testing.assert_close(q.grad, p.grad, msg=name)


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r"TimmFrameEncoder\('dla46_c'\): timm's DLA does not "
                                         r'support activation checkpointing.*with_cp=False'):
        TimmFrameEncoder('dla46_c', img_size=32, with_cp=True)
    with pytest.raises(ValueError, match=r"no model 'resnet_nope'.*list_models\('\*resnet\*'\)"):
        TimmFrameEncoder('resnet_nope')
    npz = tmp_path / 'weights.npz'
    npz.write_bytes(b'')
    with pytest.raises(RuntimeError, match=re.escape(str(npz)) + ".*ViTs only, not for "
                                                                  "'resnet18'"):
        loaded(npz, **CNN)
    wrong = tmp_path / 'wide.safetensors'
    save_file(dict(build(**dict(CNN, layers=(2, 1, 1, 1))).model.state_dict()), str(wrong))
    with pytest.raises(RuntimeError, match=re.escape(str(wrong)) + '.*unexpected keys: layer1.1'):
        loaded(wrong, **CNN)
