"""``--data-root`` and ``--frame-cache``: one flag moves every derived path / swaps the loader."""
import os.path as osp

import pytest
from mmengine.config import Config

from mmvicokd.utils.data_root import set_data_root
from mmvicokd.utils.frame_cache_switch import use_frame_cache

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _loaders(cfg):
    return [cfg[k].dataset for k in ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def test_every_path_under_the_root_follows_and_nothing_else(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/features/vicokd_multiasl_home1_v_f_features.py'))
    new = str(tmp_path)
    changed = set_data_root(cfg, new + '/')
    assert cfg.data_root == new
    for dataset in _loaders(cfg):
        assert dataset.data_root == new
        assert dataset.pipeline[0].cache_dir == new + '/features'  # the feature cache
        assert dataset.human_mask_file == 'human_masks.json'  # relative to the root already
    assert 'train_dataloader.dataset.pipeline[0].cache_dir' in changed
    # the checkpoints are not under the data root
    assert cfg.model.teacher_ckpt == 'work_dirs/teacher_multiasl_home1_av_f_features/epoch_100.pth'


def test_synthetic_frame_cache_beside_the_root_follows(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/demo/teacher_multiasl_synthetic_av_f.py'))
    root = tmp_path / 'Home1'
    root.mkdir()
    set_data_root(cfg, str(root))
    for dataset in _loaders(cfg):
        assert dataset.data_root == str(root)
        assert osp.normpath(dataset.pipeline[0].cache_dir) == str(tmp_path / 'cache_64')


def test_wrong_root_is_one_clear_error(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/teacher/teacher_multiasl_home1_av_f.py'))
    with pytest.raises(FileNotFoundError, match='--data-root .*nowhere is not a folder'):
        set_data_root(cfg, str(tmp_path / 'nowhere'))
    cfg._cfg_dict.pop('data_root')
    with pytest.raises(KeyError, match='no top-level data_root'):
        set_data_root(cfg, str(tmp_path))


def test_frame_cache_swaps_the_decoder_in_every_loader(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs/teacher/teacher_multiasl_home1_av_f.py'))
    assert use_frame_cache(cfg, str(tmp_path)) == ['train_dataloader', 'val_dataloader',
                                                   'test_dataloader']
    for dataset in _loaders(cfg):
        assert dataset.pipeline[0] == dict(type='LoadMultiViewCache', cache_dir=str(tmp_path))
        assert dataset.pipeline[1].type == 'SampleMultiViewFrames'
    with pytest.raises(ValueError, match='no pipeline of the config starts with'):
        use_frame_cache(cfg, str(tmp_path))
    with pytest.raises(FileNotFoundError, match='--frame-cache .* is not a folder'):
        use_frame_cache(cfg, str(tmp_path / 'missing'))
