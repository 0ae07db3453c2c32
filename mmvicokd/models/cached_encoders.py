"""Which encoders a feature cache holds for a model, their weight fingerprints, and the check that
a model is the one a cache was built with (docs/design.md section 8).

The cache's files are :mod:`mmvicokd.datasets.caches.feature_cache`; extraction is
:mod:`mmvicokd.apis.feature_extraction`; ``FeatureCacheCheckHook`` calls :func:`check_model`
before training or testing.
"""
import hashlib
from typing import Dict

import torch
from mmengine.model import is_model_wrapper
from torch import nn


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


def check_model(model: nn.Module, manifest: dict, cache_dir: str, build_command: str) -> None:
    """Raise unless ``model``'s encoders and preprocessor are those the cache was built with.

    Args:
        model: a recognizer or distiller (wrapped or not).
        manifest: the cache's ``manifest.json`` (``datasets.caches.feature_cache.read_manifest``).
        cache_dir: the cache folder, named in the errors.
        build_command: the command that builds this cache, quoted in the errors
            (``datasets.caches.feature_cache.extract_command``).

    Raises:
        ValueError: the model needs an encoder the cache does not hold, an encoder's weights
            differ from the fingerprint in the manifest, or the video mean/std differ.
    """
    rebuild = f'rebuild it with `{build_command} --overwrite`'
    for name, encoder in cached_encoders(model).items():
        stored = manifest['encoders'].get(name)
        if stored is None:
            raise ValueError(
                f'feature cache {cache_dir} holds {sorted(manifest["encoders"])} features, but '
                f'the model also needs {name!r} (a teacher reads audio features); build the '
                f"cache with the teacher's config: `{build_command}`")
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
