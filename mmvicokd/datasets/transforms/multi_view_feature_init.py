"""Read a recording's cached encoder features instead of opening its videos (docs/design.md 3, 8)."""
import os.path as osp

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..caches.feature_cache import (extract_command, feature_file, read_features, read_manifest,
                             stale_reason)
from ..functional import multi_view_timing


@TRANSFORMS.register_module()
class MultiViewFeatureInit(BaseTransform):
    """Drop-in replacement of :class:`MultiViewDecordInit` reading the encoder-feature cache.

    Loads ``{cache_dir}/{recording_id}.npz`` written by ``tools/extract_features.py``, checks
    it against the cache's ``manifest.json`` (same encoders and settings) and the view files
    (names, sizes, mtimes), keeps the rows of the dataset's ``views`` and sets the timing keys
    exactly as :class:`MultiViewDecordInit` would, so :class:`SampleMultiViewFrames` runs
    unchanged; :class:`LoadMultiViewFeatures` then takes the sampled frames' features.

    Required keys: ``recording_id``, ``ann_file``, ``filenames`` (V), ``views`` (V), ``fps``.

    Added keys:
        - ``total_frames``, ``avg_fps`` (V,), ``duration``, ``num_clip_frames`` (T_full): as
          :class:`MultiViewDecordInit`.
        - ``cached_features``: dict encoder name (``visual``, ``audio``) -> array
          (V, T_full, D) in the cache's dtype.
        - ``feature_cache``: dict(file, cache_dir) for the later transform's errors.

    Args:
        cache_dir (str): The cache folder (``--out`` of ``tools/extract_features.py``).
    """

    def __init__(self, cache_dir: str) -> None:
        self.cache_dir = cache_dir
        self._manifest = None

    @property
    def manifest(self) -> dict:
        """The cache's manifest, read once per process."""
        if self._manifest is None:
            self._manifest = read_manifest(self.cache_dir)
        return self._manifest

    def transform(self, results: dict) -> dict:
        where = f"recording {results['recording_id']} (annotation {results['ann_file']})"
        manifest = self.manifest
        path = feature_file(self.cache_dir, results['recording_id'])
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{where}: feature cache file {path} does not exist; extract the features with '
                f"`{extract_command(self.cache_dir, manifest.get('config') or 'CONFIG')}`")
        meta, features = read_features(path, where)
        reason = stale_reason(meta, manifest, results['filenames'], results['views'],
                              results['fps'])
        if reason is not None:
            raise RuntimeError(
                f'{where}: feature cache file {path} is stale: {reason}; rebuild it with '
                f"`{extract_command(self.cache_dir, manifest.get('config') or 'CONFIG')}`")
        rows = [meta['views'].index(v) for v in results['views']]
        if rows != list(range(len(meta['views']))):
            features = {name: array[rows] for name, array in features.items()}
        results.update(multi_view_timing([meta['num_frames'][r] for r in rows],
                                         [meta['avg_fps'][r] for r in rows], results['fps']))
        results['cached_features'] = features
        results['feature_cache'] = dict(file=path, cache_dir=self.cache_dir)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(cache_dir={self.cache_dir!r})'
