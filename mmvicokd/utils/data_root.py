"""``--data-root``: move every path of a config that derives from its data root, in one flag.

A config names its data set once, in the top-level variable ``data_root``; the dataloaders'
``data_root``, the human-mask file (relative to it), the encoder-feature cache
(``<data_root>/features``) and any frame cache placed under it are derived from that string
when the config is read. ``tools/train.py`` and ``tools/test.py`` take ``--data-root DIR`` and
rewrite every string of the config that equals the config's ``data_root`` or starts with it
plus ``/`` (paths outside the root, such as checkpoints, stay as they are).
"""
import os.path as osp

from mmengine.config import Config, ConfigDict


def _rewrite(node, old: str, new: str, path: str, changed: list):
    if isinstance(node, (dict, ConfigDict)):
        for key in list(node.keys()):
            node[key] = _rewrite(node[key], old, new, f'{path}.{key}' if path else key, changed)
        return node
    if isinstance(node, (list, tuple)):
        items = [_rewrite(v, old, new, f'{path}[{i}]', changed) for i, v in enumerate(node)]
        return type(node)(items)
    if isinstance(node, str) and (node == old or node.startswith(old + '/')):
        changed.append(path)
        return new + node[len(old):]
    return node


def set_data_root(cfg: Config, data_root: str) -> list:
    """Point ``cfg`` at ``data_root``; returns the config keys that changed.

    Raises:
        FileNotFoundError: ``data_root`` is not a folder.
        KeyError: the config has no top-level ``data_root`` to derive paths from.
    """
    if not osp.isdir(data_root):
        raise FileNotFoundError(f'--data-root {data_root} is not a folder (expected the data '
                                'set root that holds the annotation files and the views)')
    old = cfg.get('data_root', None)
    if not isinstance(old, str) or not old:
        raise KeyError('the config has no top-level data_root to replace; set the datasets\' '
                       'data_root with --cfg-options instead')
    old = old.rstrip('/')
    new = data_root.rstrip('/') or '/'
    changed = []
    for key in list(cfg.keys()):
        cfg[key] = _rewrite(cfg[key], old, new, key, changed)
    return changed
