"""Encoder-feature cache: frozen encoders run once per recording (docs/design.md sections 3 and 8).

``tools/extract_features.py`` (:func:`~mmvicokd.datasets.feature_extraction.build_feature_cache`)
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
encoders are the ones the cache was built with. Anything stale is an error that says how to
rebuild.
"""
import hashlib
import json
import os
import os.path as osp
from typing import Dict, Sequence

import numpy as np
import torch
from mmengine.model import is_model_wrapper
from torch import nn

from .cache_sources import sources_stale_reason
from ..utils.atomic_files import atomic_path, write_json

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


def weights_fingerprint(module: nn.Module) -> str:
    """SHA-256 of a module's state dict: names, dtypes, shapes and bytes, in key order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        data = tensor.detach().cpu().contiguous().reshape(-1)
        digest.update(f'{name}|{data.dtype}|{tuple(tensor.shape)}|'.encode())
        digest.update(data.view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if is_model_wrapper(model) else model


def cached_encoders(model: nn.Module) -> Dict[str, nn.Module]:
    """The encoders whose features a cache must hold for ``model``, by name.

    A recognizer needs ``visual`` and, when it is a teacher, ``audio``. A distiller
    (``student`` and ``teacher``) needs the student's ``visual`` and the teacher's ``audio``;
    both recognizers read the same ``visual_feat``, so the teacher's visual encoder must have
    the student's weights.

    Raises:
        ValueError: an encoder is not frozen (its features change while training), or a
            distiller's teacher and student visual encoders differ.
    """
    model = _unwrap(model)
    if hasattr(model, 'student') and hasattr(model, 'teacher'):
        student, teacher = model.student, model.teacher
        if weights_fingerprint(teacher.visual_encoder) != weights_fingerprint(
                student.visual_encoder):
            raise ValueError(
                'feature cache: the distiller\'s teacher visual encoder (from teacher_ckpt) has '
                'other weights than its student\'s, but a feature cache holds one visual feature '
                'per frame for both; train the teacher with the same frozen visual encoder '
                '(configs/features/) or read pixels')
        encoders = dict(visual=student.visual_encoder, audio=teacher.audio_encoder)
    else:
        encoders = dict(visual=model.visual_encoder)
        if getattr(model, 'audio_encoder', None) is not None:
            encoders['audio'] = model.audio_encoder
    for name, encoder in encoders.items():
        if not getattr(encoder, 'frozen', False):
            raise ValueError(
                f'feature cache: the {name} encoder ({type(encoder).__name__}) is not frozen, so '
                'its features change while training and cannot be cached; set '
                f'frozen=True in its config (model.{name}_encoder.frozen=True)')
    return encoders


def preprocess_settings(model: nn.Module) -> dict:
    """The data preprocessor's video ``mean`` and ``std`` (0-255 scale), as lists."""
    pre = _unwrap(model).data_preprocessor
    return dict(mean=[round(float(v), 6) for v in pre.mean.flatten()],
                std=[round(float(v), 6) for v in pre.std.flatten()])


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


def check_model(model: nn.Module, manifest: dict, cache_dir: str) -> None:
    """Raise unless ``model``'s encoders and preprocessor are those the cache was built with.

    Raises:
        ValueError: the model needs an encoder the cache does not hold, an encoder's weights
            differ from the fingerprint in the manifest, or the video mean/std differ.
    """
    rebuild = f'rebuild it with `{extract_command(cache_dir)} --overwrite`'
    for name, encoder in cached_encoders(model).items():
        stored = manifest['encoders'].get(name)
        if stored is None:
            raise ValueError(
                f'feature cache {cache_dir} holds {sorted(manifest["encoders"])} features, but '
                f'the model also needs {name!r} (a teacher reads audio features); build the '
                f"cache with the teacher's config: `{extract_command(cache_dir)}`")
        if weights_fingerprint(encoder) != stored['fingerprint']:
            raise ValueError(
                f'feature cache {cache_dir}: the model\'s {name} encoder has other weights than '
                f'the one the cache was built with (config {stored["config"]}, checkpoint '
                f'{stored["checkpoint"]}); a frozen encoder without a checkpoint is drawn from '
                f'the config\'s randomness.seed, so extract and train with the same seed, or '
                f'{rebuild}')
    own = preprocess_settings(model)
    if own != manifest['preprocess']:
        raise ValueError(f'feature cache {cache_dir} was built with video mean/std '
                         f"{manifest['preprocess']}, the model's data preprocessor uses {own}; "
                         f'{rebuild}')
