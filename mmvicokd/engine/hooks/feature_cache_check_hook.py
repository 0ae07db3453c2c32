"""Check, before training or testing, that a feature cache fits the model (docs/design.md 3)."""
from typing import Iterable, List

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

from ...datasets.caches.feature_cache import extract_command, read_manifest
from ...models.cached_encoders import check_model

_INIT = 'MultiViewFeatureInit'


def _pipelines(dataset_cfg) -> Iterable[list]:
    """Every ``pipeline`` of a dataset config, wrapped datasets included."""
    if not dataset_cfg:
        return
    if dataset_cfg.get('pipeline'):
        yield dataset_cfg['pipeline']
    yield from _pipelines(dataset_cfg.get('dataset'))
    for inner in dataset_cfg.get('datasets', None) or []:
        yield from _pipelines(inner)


def feature_cache_dirs(cfg, loaders: Iterable[str]) -> List[str]:
    """``cache_dir`` of every :class:`MultiViewFeatureInit` in the named dataloaders' pipelines."""
    dirs = []
    for loader in loaders:
        loader_cfg = cfg.get(loader, None)
        if not loader_cfg:
            continue
        for pipeline in _pipelines(loader_cfg.get('dataset')):
            for step in pipeline:
                if step.get('type') == _INIT and step['cache_dir'] not in dirs:
                    dirs.append(step['cache_dir'])
    return dirs


@HOOKS.register_module()
class FeatureCacheCheckHook(Hook):
    """Fail early, with one clear error, when a pipeline reads an encoder-feature cache that
    was not built with the model's encoders.

    Before training (train and val pipelines), a stand-alone validation or a test, every
    ``cache_dir`` of a :class:`MultiViewFeatureInit` step is checked once: its manifest must
    hold features of every encoder the model reads (visual; audio for a teacher), each with the
    SHA-256 fingerprint of the model's own frozen weights (after ``init_weights`` and any
    ``load_from``/resume), and the data preprocessor's mean/std
    (:func:`mmvicokd.models.cached_encoders.check_model`).
    """

    priority = 'VERY_HIGH'

    def __init__(self) -> None:
        self._checked = set()

    def _check(self, runner, loaders: Iterable[str]) -> None:
        for cache_dir in feature_cache_dirs(runner.cfg, loaders):
            if cache_dir in self._checked:
                continue
            check_model(runner.model, read_manifest(cache_dir), cache_dir,
                        extract_command(cache_dir))
            self._checked.add(cache_dir)

    def before_train(self, runner) -> None:
        self._check(runner, ('train_dataloader', 'val_dataloader'))

    def before_val(self, runner) -> None:
        self._check(runner, ('val_dataloader',))

    def before_test(self, runner) -> None:
        self._check(runner, ('test_dataloader',))
