"""Every config under configs/ loads, and builds its model from mmaction's registry (on the
meta device: the real sizes, no memory)."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.registry import DefaultScope

import mmvicokd  # noqa: F401
from mmaction.registry import MODELS
from mmvicokd.models.losses import ViewFrameLoss

from ..helpers.config_models import CONFIGS, parsed


@pytest.fixture(scope='module', autouse=True)
def no_values_drawn_on_meta():
    """timm's truncated-normal init skips meta tensors (there are no values to draw; the
    decomposed in-place ops took half the build time)."""
    from timm.layers import weight_init
    draw = weight_init._trunc_normal_
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weight_init, '_trunc_normal_', lambda tensor, *args: (
            tensor if tensor.is_meta else draw(tensor, *args)))
        yield


def test_config_grid_is_complete():
    names = {osp.basename(p)[:-3] for p in CONFIGS}
    for bb in ('multiasl', 'multitsf', 'multitrans'):
        for home in ('home1', 'home2'):
            assert f'teacher_{bb}_{home}_av_f' in names
            assert f'teacher_vc_{bb}_{home}_av_f' in names
            for sup in ('v_f', 'v_s'):
                for method in ('student', 'logitkd', 'modalkd', 'dualkd', 'cokd', 'vicokd'):
                    assert f'{method}_{bb}_{home}_{sup}' in names
    assert 'vicokd_multiasl_home1' in names
    # Work dirs default to the config's basename: names must be unique.
    assert len(names) == len(CONFIGS)


@pytest.mark.parametrize('path', CONFIGS)
def test_config_builds(path):
    cfg = copy.deepcopy(parsed(path))
    assert cfg.default_scope == 'mmaction'
    assert 'mmvicokd' in cfg.custom_imports['imports']
    model_cfg = cfg.model
    if model_cfg.type == 'ViCoKDDistiller':
        assert osp.isfile(model_cfg.teacher), model_cfg.teacher
    with DefaultScope.overwrite_default_scope('mmaction'), torch.device('meta'):
        model = MODELS.build(model_cfg)
    assert model.__class__.__name__ == model_cfg.type
    # the paper's method by default: our per-view frame loss only in configs named `vfl`
    # (a distiller's modules include its teacher's)
    view_frame_losses = [m for m in model.modules() if isinstance(m, ViewFrameLoss)]
    if 'vfl' in osp.basename(path):
        assert view_frame_losses, f'{path} is named vfl but builds no ViewFrameLoss'
    else:
        assert not view_frame_losses, f'{path} builds ViewFrameLoss (ours) without vfl in its name'
