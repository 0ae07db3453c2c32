"""Every config's own model with tiny encoders, and one batch of its own pipeline, for the tests
that step every config (``tests/tools/test_ddp_unused_parameters.py``: two training steps;
``tests/configs/test_config_predictions.py``: one test step scored by the config's evaluator).

The models keep what decides which parameters train and what is predicted: ``frozen``,
``with_cp``, AST's ``dist_token`` and output projection; everything but the encoders' size is
the config's (``e2e.shrink_model``). Parsed configs are cached for the session (each file is
parsed once however many tests read it); callers get copies of what they change.
"""
import copy
import functools
import glob
import json
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from .e2e import DIM, REPO, shrink_model, tiny_config

CONFIGS = sorted(osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                                        recursive=True) if '_base_' not in p)
ENCODER_FLAGS = ('frozen', 'with_cp', 'dist_token')
#: the decoding config whose labels and masks stand in for a feature-cache config's (the cache
#: is not built here; its features are random)
FEATURE_LABELS_SOURCE = 'configs/teacher/teacher_multiasl_home1_av_f.py'


@functools.lru_cache(maxsize=None)
def parsed(path: str) -> Config:
    """``Config.fromfile`` of a config (repository-relative or absolute); do not change it."""
    return Config.fromfile(path if osp.isabs(path) else osp.join(REPO, path))


def model_cfg(rel: str) -> dict:
    """The config's model, a distiller's teacher config file read in (a copy)."""
    model = copy.deepcopy(parsed(rel).model.to_dict())
    if model['type'] == 'ViCoKDDistiller' and isinstance(model['teacher'], str):
        model['teacher'] = parsed(model['teacher']).model.to_dict()
    return model


def _tiny_recognizer(tiny: dict, full: dict) -> None:
    """Give ``shrink_model``'s tiny encoders the configured ones' flags (in place)."""
    for key in ('visual_encoder', 'audio_encoder'):
        if full.get(key) is not None:
            tiny[key].update({k: full[key][k] for k in ENCODER_FLAGS if k in full[key]})
    if full.get('audio_encoder') is not None and full['audio_encoder'].get('out_dim'):
        tiny['audio_encoder']['out_dim'] = DIM  # keep the projection layer


def tiny_model_cfg(rel: str) -> dict:
    """The config's model with tiny encoders that keep the configured encoders' flags."""
    full = model_cfg(rel)
    tiny = shrink_model(copy.deepcopy(full))
    if full['type'] == 'ViCoKDDistiller':
        _tiny_recognizer(tiny['student'], full['student'])
        _tiny_recognizer(tiny['teacher'], full['teacher'])
    else:
        _tiny_recognizer(tiny, full)
    return tiny


def build_tiny(rel: str) -> torch.nn.Module:
    from mmaction.registry import MODELS
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmaction'):
        return MODELS.build(tiny_model_cfg(rel))


def data_key(rel: str, split: str = 'train_dataloader') -> str:
    """What decides a batch of ``split``: the supervision and the pipeline's steps."""
    dataset = parsed(rel)[split].dataset
    return json.dumps([dataset.get('supervision', 'frame'), [s['type'] for s in dataset.pipeline]])


class Batches:
    """``get(rel, split)``: the first batch of ``rel``'s own ``split`` loader on the tiny
    synthetic set (a copy), built once per pipeline; ``dataset(rel, split)``: its data set."""

    def __init__(self, tiny_synthetic, work_dir: str) -> None:
        self.root, self.cache = tiny_synthetic
        self.work_dir = work_dir
        self.built = {}

    def _build(self, rel: str, split: str) -> tuple:
        from mmengine.runner import Runner
        key = (data_key(rel, split), split)
        if key not in self.built:
            features = 'MultiViewFeatureInit' in key[0]
            cfg = tiny_config(FEATURE_LABELS_SOURCE if features else rel, self.root,
                              self.work_dir, self.cache)
            with DefaultScope.overwrite_default_scope('mmaction'):
                loader = Runner.build_dataloader(cfg[split])
                batch = next(iter(loader))
            if features:  # what tools/extract_features.py caches: (V, T, D) per encoder
                video = batch['inputs']['video']
                shape = (*video[0].shape[:2], DIM)
                batch['inputs'] = dict(visual_feat=[torch.randn(shape) for _ in video],
                                       audio_feat=[torch.randn(shape) for _ in video])
            self.built[key] = (batch, loader.dataset)
        return self.built[key]

    def get(self, rel: str, split: str = 'train_dataloader') -> dict:
        return copy.deepcopy(self._build(rel, split)[0])

    def dataset(self, rel: str, split: str = 'train_dataloader'):
        return self._build(rel, split)[1]
