"""Attention maps need a ViT visual encoder: a CNN encoder is a clear error, in the tool too."""
import os.path as osp
import runpy

import pytest
import torch
from mmengine.config import Config

from mmaction.registry import MODELS
from mmvicokd.models.encoders import MMBackboneFrameEncoder, TimmFrameEncoder
from mmvicokd.visualization.vit_attention import encoder_attention_maps, encoder_vit

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CNN = dict(arch='resnet18', img_size=32, layers=(1, 1, 1, 1), channels=(8, 16, 32, 64),
           stem_width=8)


def test_cnn_encoders_have_no_attention_maps():
    with pytest.raises(TypeError, match=r"configs/x.py: attention maps need a ViT visual "
                                        r".*TimmFrameEncoder\('resnet18'\), which has no "
                                        'attention layers'):
        encoder_vit(TimmFrameEncoder(**CNN), where='configs/x.py')
    mm = MMBackboneFrameEncoder(backbone=dict(type='ResNet', depth=18, num_stages=1,
                                              out_indices=(0,), strides=(1,), dilations=(1,)),
                                img_size=32)
    with pytest.raises(TypeError, match=r"MMBackboneFrameEncoder\('ResNet'\), which has no"):
        encoder_attention_maps(mm, torch.zeros(1, 3, 32, 32))
    vit = TimmFrameEncoder('vit_small_patch32_224', img_size=32, embed_dim=32, depth=1,
                           num_heads=2, patch_size=16)
    assert encoder_vit(vit) is vit.model
    assert encoder_attention_maps(vit, torch.zeros(2, 3, 32, 32)).shape == (2, 2, 2)


def test_vis_attention_names_the_config_of_a_cnn_model(recording_root, tmp_path):
    model = dict(type='MultiViewAVRecognizer', adapter=dict(type='CrossModalAdapter'),
                 visual_encoder=dict(type='TimmFrameEncoder', **CNN),
                 fusion=dict(type='MultiASL', num_classes=16, num_views=3, temporal_heads=2),
                 cross_attn=dict(type='CrossModalAttention', num_heads=2, num_views=3))
    dataset = dict(type='MultiSensorHomeDataset', data_root=recording_root,
                   ann_file='train.json', pipeline=[])
    config = str(tmp_path / 'student_resnet.py')
    Config(dict(default_scope='mmaction', model=model,
                test_dataloader=dict(dataset=dataset))).dump(config)
    checkpoint = str(tmp_path / 'student_resnet.pth')
    torch.save(dict(meta=dict(), state_dict=MODELS.build(model).state_dict()), checkpoint)
    main = runpy.run_path(osp.join(REPO, 'tools', 'vis_attention.py'), run_name='test')['main']
    with pytest.raises(SystemExit, match=f'vis_attention.py: error: {config}: attention maps '
                                         r"need a ViT .*TimmFrameEncoder\('resnet18'\)"):
        main([config, checkpoint, '--recording', 'Home1/01/3-Part1',
              '--out', str(tmp_path / 'x.png')])
