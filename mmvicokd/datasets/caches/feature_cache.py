"""Encoder-feature cache: frozen encoders run once per recording (docs/design.md sections 3 and 8).

``tools/extract_features.py`` (:func:`~mmvicokd.apis.feature_extraction.build_feature_cache`)
runs a config's frozen visual encoder (and, for a teacher, its audio encoder) over every frame
of the 2.5-FPS grid of every recording and writes, under the cache folder,

- ``manifest.json``: what the features are, i.e. the cache format, the storage dtype, the grid
  fps, the decoding settings (frame side, fbank), the data preprocessor's mean/std and, per
  encoder, its config, checkpoint file (path, size, mtime) and a SHA-256 fingerprint of its
  weights; ``key`` hashes everything that changes the numbers;
- ``{recording_id}.npz`` per recording: ``visual`` (V, T_full, D) and, for a teacher, ``audio``
  (V, T_full, D) in the storage dtype, and ``meta`` (a JSON string: the manifest key, views,
  the view files' names, sizes and mtimes, native frame counts and rates).

:class:`~mmvicokd.datasets.transforms.MultiViewFeatureInit` and
:class:`~mmvicokd.datasets.transforms.LoadMultiViewFeatures` read them back in place of the
pixels and fbanks; ``FeatureCacheCheckHook`` checks before training or testing that the model's
encoders are the ones the cache was built with (:mod:`mmvicokd.models.cached_encoders`: this
module reads and writes files only and builds no model). Anything stale is an error that says
how to rebuild.
"""
import hashlib
import json
import os.path as osp
from typing import Dict, Sequence

import numpy as np

from .sources import sources_stale_reason
from ...utils.atomic_files import atomic_path

FEATURE_FORMAT = 1
MANIFEST = 'manifest.json'
DTYPES = ('float16', 'float32')
#: Input keys of the cached features, by encoder name.
FEATURE_KEYS = dict(visual='visual_feat', audio='audio_feat')


def feature_file(cache_dir: str, recording_id: str) -> str:
    """Path of one recording's features: ``{cache_dir}/{recording_id}.npz``."""
    return osp.join(cache_dir, f'{recording_id}.npz')


def extract_command(cache_dir: str, config: str = 'CONFIG') -> str:
    """The command that (re)builds the cache in ``cache_dir``."""
    return f'python tools/extract_features.py {config} --out {cache_dir}'


def manifest_key(manifest: dict) -> str:
    """SHA-256 of the manifest fields that change the stored numbers."""
    numbers = dict(format=manifest['format'], dtype=manifest['dtype'], fps=manifest['fps'],
                   decode=manifest['decode'], preprocess=manifest['preprocess'],
                   encoders={n: dict(fingerprint=e['fingerprint'], out_dim=e['out_dim'])
                             for n, e in manifest['encoders'].items()})
    return hashlib.sha256(json.dumps(numbers, sort_keys=True).encode()).hexdigest()


def read_manifest(cache_dir: str) -> dict:
    """``manifest.json`` of a cache folder; a missing or unreadable one is an error."""
    path = osp.join(cache_dir, MANIFEST)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'feature cache {cache_dir}: {path} does not exist; build the cache with '
            f'`{extract_command(cache_dir)}` (CONFIG: a config whose encoders are frozen, e.g. '
            'under configs/features/)')
    try:
        with open(path) as f:
            manifest = json.load(f)
    except (OSError, ValueError) as exc:
        raise RuntimeError(f'feature cache {cache_dir}: cannot read {path}: {exc}') from exc
    if manifest.get('format') != FEATURE_FORMAT:
        raise RuntimeError(f"feature cache {cache_dir}: {path} has format "
                           f"{manifest.get('format')}, this code reads {FEATURE_FORMAT}; rebuild "
                           f'it with `{extract_command(cache_dir)} --overwrite`')
    return manifest


def write_features(path: str, meta: dict, features: Dict[str, np.ndarray]) -> None:
    """``np.savez`` of ``features`` and ``meta`` to a temporary name, then rename it."""
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            np.savez(f, meta=np.array(json.dumps(meta)), **features)


def read_features(path: str, where: str, arrays: bool = True) -> tuple:
    """``(meta, {name: (V, T_full, D) array})`` of a feature file (``{}`` if not ``arrays``).

    ``where`` names the recording for the error raised when the file cannot be read.
    """
    try:
        with np.load(path) as npz:
            meta = json.loads(str(npz['meta']))
            names = meta.get('features', []) if arrays else []
            return meta, {name: npz[name] for name in names}
    except Exception as exc:
        raise RuntimeError(f'{where}: cannot read feature cache file {path}: {exc}') from exc


def stale_reason(meta: dict, manifest: dict, filenames: Sequence[str], views: Sequence[int],
                 fps: float) -> str | None:
    """Why a recording's feature file cannot serve ``views`` of ``filenames``, else None.

    Stale: built under another manifest (other encoders or settings), at another fps, without
    a requested view, or a view file renamed, missing or changed (size or mtime) since.
    """
    if meta.get('key') != manifest['key']:
        return 'it was built for other encoders or settings than the manifest.json beside it'
    return sources_stale_reason(meta, manifest['fps'], filenames, views, fps, made='extracted',
                                since='the features were extracted')
