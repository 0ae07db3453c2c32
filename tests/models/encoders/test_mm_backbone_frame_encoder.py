"""MMBackboneFrameEncoder: an mmaction 2D backbone per frame, average-pooled; its weights as
MMEngine loads them; clear errors."""
import importlib.util
import re

import pytest
import torch

import mmvicokd  # noqa: F401  (registers the encoders)
from mmaction.registry import MODELS
from mmvicokd.models.encoders import MMBackboneFrameEncoder

RESNET18 = dict(type='ResNet', depth=18)
# two stages of mmaction's ResNet-18 (128 wide): what the weight tests need, at a tenth of the cost
SMALL = dict(type='ResNet', depth=18, num_stages=2, out_indices=(1,), strides=(1, 2),
             dilations=(1, 1))

# tiny models run fastest on one thread (and do not fight parallel test runs)
pytestmark = pytest.mark.usefixtures('one_torch_thread')


def build(backbone=SMALL, seed=0, **kwargs):
    torch.manual_seed(seed)
    return MMBackboneFrameEncoder(backbone=backbone, img_size=32, **kwargs)


def frames(b=2, v=2, t=2):
    return torch.randn(b, v, t, 3, 32, 32, generator=torch.Generator().manual_seed(1))


def test_resnet18_equals_the_backbone_and_pooling_by_hand():
    enc = MODELS.build(dict(type='MMBackboneFrameEncoder', backbone=RESNET18, img_size=32))
    assert enc.out_dim == 512 and enc.frame_shape == (3, 32, 32)
    enc.init_weights()  # mmaction's own init (Kaiming), as the Runner does
    enc.eval()
    x = frames()
    out = enc(x)
    assert out.shape == (2, 2, 2, 512)
    feature_map = enc.model(x.flatten(0, 2))  # (N, 512, 1, 1) at 32 px
    torch.testing.assert_close(out, feature_map.mean(dim=(2, 3)).reshape(2, 2, 2, 512))


def test_other_backbones_state_their_width():
    assert build(dict(type='MobileNetV2', widen_factor=0.5)).out_dim == 1280
    assert build(SMALL).out_dim == 128


def test_torchvision_resnet18_file_through_mmactions_pretrained(tmp_path):
    import torchvision
    torch.manual_seed(3)
    reference = torchvision.models.resnet18().eval()
    path = tmp_path / 'resnet18-f37072fd.pth'
    torch.save(reference.state_dict(), path)
    enc = build(dict(RESNET18, pretrained=str(path)))
    enc.init_weights()
    x = frames().flatten(0, 2)
    with torch.no_grad():
        r = reference
        stem = r.maxpool(r.relu(r.bn1(r.conv1(x))))
        expected = r.avgpool(r.layer4(r.layer3(r.layer2(r.layer1(stem))))).flatten(1)
    torch.testing.assert_close(enc.eval()(frames()), expected.reshape(2, 2, 2, 512))


def test_init_cfg_pretrained_and_checkpoint_read_a_model_checkpoint(tmp_path, monkeypatch):
    from mmengine.logging import MMLogger
    said = []
    logger = MMLogger.get_current_instance()
    monkeypatch.setattr(logger, 'info', lambda msg, *a, **k: said.append(msg))
    src = build().eval()
    path = tmp_path / 'epoch_1.pth'  # a recognizer-style checkpoint: backbone.* and a head
    torch.save(dict(meta=dict(), state_dict={**{f'backbone.{k}': v for k, v in
                                                 src.model.state_dict().items()},
                                              'cls_head.fc.weight': torch.zeros(4, 128)}), path)
    init = dict(type='Pretrained', checkpoint=str(path), prefix='backbone.')
    by_init_cfg = build(dict(SMALL, init_cfg=init), seed=7)
    by_init_cfg.init_weights()
    by_checkpoint = build(seed=8, checkpoint=str(path))
    by_checkpoint.init_weights()
    x = frames()
    for enc in (by_init_cfg, by_checkpoint):
        torch.testing.assert_close(enc.eval()(x), src(x))
    assert said[-1] == (f"MMBackboneFrameEncoder(ResNet): weights loaded from '{path}' "
                        '(backbone.* of a model checkpoint)')


def test_with_cp_is_the_backbones_own_and_gives_the_same_gradients():
    bottleneck = dict(type='ResNet', depth=50, num_stages=1, out_indices=(0,), strides=(1,),
                      dilations=(1,))  # ResNet-50's first stage: Bottleneck blocks, 256 wide
    plain, checkpointed = build(bottleneck), build(bottleneck, with_cp=True)
    assert checkpointed.model.layer1[0].with_cp
    x = frames(1, 1, 2)
    for enc in (plain, checkpointed):
        enc(x).square().sum().backward()
    for (name, p), q in zip(plain.named_parameters(), checkpointed.parameters()):
        torch.testing.assert_close(q.grad, p.grad, msg=name)


def test_frozen_stays_in_eval_without_gradients():
    enc = build(frozen=True)
    enc.train()
    assert not any(m.training for m in enc.modules())
    assert not enc(frames()).requires_grad
    enc.init_weights()
    assert not any(p.requires_grad for p in enc.parameters())


def test_clear_errors(tmp_path):
    with pytest.raises(ValueError, match=r"local files only, got 'torchvision://resnet18'"):
        build(dict(RESNET18, pretrained='torchvision://resnet18'))
    with pytest.raises(ImportError, match=r"'mmnotapackage.ResNet' comes from mmnotapackage, "
                                          r'which is not installed \(pip install mmnotapackage'):
        build(dict(type='mmnotapackage.ResNet', depth=18))
    with pytest.raises(ValueError, match=r'ResNet3d\) cannot encode a frame .*needs a 2D '
                                         r'backbone'):
        build(dict(type='ResNet3d', depth=18, pretrained2d=False, num_stages=1,
                   out_indices=(0,), spatial_strides=(1,), temporal_strides=(1,),
                   dilations=(1,), inflate=(1,)))
    with pytest.raises(ValueError, match=r'OmniResNet\): the backbone does not support with_cp'):
        build(dict(type='OmniResNet', layers=[1, 1, 1, 1]), with_cp=True)
    with pytest.raises(ValueError, match=r'ResNet\): the backbone does not support with_cp'):
        build(RESNET18, with_cp=True)  # BasicBlock has no checkpointing in mmaction
    missing = str(tmp_path / 'resnet18.pth')
    with pytest.raises(FileNotFoundError, match=re.escape(repr(missing)) + ' do not exist'):
        build(dict(RESNET18, pretrained=missing)).init_weights()


@pytest.mark.skipif(importlib.util.find_spec('mmdet') is None, reason='mmdet is not installed')
def test_scoped_mmdet_type_needs_importable_mmdet_models():
    try:
        import mmdet.models  # noqa: F401
    except Exception:  # mmcv-lite: no compiled ops, so mmdet's models cannot be imported
        with pytest.raises(ImportError, match=r"'mmdet.ResNet' needs mmdet.models, which cannot "
                                              'be imported here'):
            build(dict(type='mmdet.ResNet', depth=18))
    else:
        assert build(dict(type='mmdet.ResNet', depth=18)).out_dim == 512  # its last stage
