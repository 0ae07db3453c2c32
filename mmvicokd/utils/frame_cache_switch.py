"""``--frame-cache``: read every recording from the frame cache instead of decoding it.

``tools/cache_frames.py`` pre-decodes a data set once; :class:`LoadMultiViewCache` is the
drop-in replacement of :class:`MultiViewDecordInit` that reads it (the later transforms slice
the cached arrays and give the same tensors). ``tools/train.py`` / ``tools/test.py
--frame-cache DIR`` make that swap in every dataloader's pipeline, so no config is copied to
use a cache.
"""
import os.path as osp

from mmengine.config import Config

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def use_frame_cache(cfg: Config, cache_dir: str) -> list:
    """Replace ``MultiViewDecordInit`` by ``LoadMultiViewCache(cache_dir)``; returns the
    dataloaders changed.

    Raises:
        FileNotFoundError: ``cache_dir`` is not a folder.
        ValueError: no pipeline of the config decodes videos (it reads a cache already).
    """
    if not osp.isdir(cache_dir):
        raise FileNotFoundError(f'--frame-cache {cache_dir} is not a folder; build it with '
                                'tools/cache_frames.py --out ' + cache_dir)
    changed = []
    for name in LOADERS:
        loader = cfg.get(name, None)
        pipeline = (loader or {}).get('dataset', {}).get('pipeline', None) or []
        for i, step in enumerate(pipeline):
            if step.get('type') == 'MultiViewDecordInit':
                pipeline[i] = dict(type='LoadMultiViewCache', cache_dir=cache_dir)
                changed.append(name)
    if not changed:
        raise ValueError('--frame-cache: no pipeline of the config starts with '
                         'MultiViewDecordInit (it reads a frame or feature cache already)')
    return changed
