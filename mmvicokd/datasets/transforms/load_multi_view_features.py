"""Cached encoder features of the sampled frames, in place of pixels and fbanks (docs/design.md 3)."""
from typing import Sequence

from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..caches.feature_cache import FEATURE_KEYS


@TRANSFORMS.register_module()
class LoadMultiViewFeatures(BaseTransform):
    """Take the features of the sampled frames from the arrays :class:`MultiViewFeatureInit`
    read: ``visual_feat = cached_features['visual'][:, frame_inds]`` (and ``audio_feat``).

    It stands where :class:`DecodeMultiViewVideo` and :class:`LoadAudioFbank` stand in a pixel
    pipeline; :class:`PackMultiViewInputs` with ``keys=('visual_feat', 'audio_feat')`` packs the
    results, and the recognizer then skips its encoders.

    Required keys: ``recording_id``, ``ann_file``, ``frame_inds`` (T,), ``cached_features``,
    ``feature_cache``.

    Added keys: ``visual_feat`` and/or ``audio_feat``: (V, T, D) arrays in the cache's dtype.

    Deleted keys: ``cached_features``.

    Args:
        keys (Sequence[str]): Encoders whose features to load, from ``'visual'`` and
            ``'audio'`` (teachers need both). Defaults to ``('visual', 'audio')``.
    """

    def __init__(self, keys: Sequence[str] = ('visual', 'audio')) -> None:
        unknown = [k for k in keys if k not in FEATURE_KEYS]
        if unknown or not keys:
            raise ValueError(f'keys must be a non-empty subset of {tuple(FEATURE_KEYS)}, '
                             f'got {keys}')
        self.keys = tuple(keys)

    def transform(self, results: dict) -> dict:
        cached = results.pop('cached_features')
        for key in self.keys:
            if key not in cached:
                raise KeyError(
                    f"recording {results['recording_id']} (annotation {results['ann_file']}): "
                    f"the feature cache file {results['feature_cache']['file']} holds "
                    f'{sorted(cached)} features, not {key!r}; extract the cache with a config '
                    'that has that encoder (a teacher for audio)')
            results[FEATURE_KEYS[key]] = cached[key][:, results['frame_inds']]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(keys={self.keys})'
