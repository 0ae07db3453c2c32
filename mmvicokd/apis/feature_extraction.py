"""Build the encoder-feature cache of a config (``tools/extract_features.py``).

The model is built and initialised as MMEngine's Runner does before training (seeded with the
config's ``randomness``, then ``init_weights``), so that a frozen encoder gets the same weights
here as in training. Every recording of the config's train/val/test annotation files is decoded
once on the 2.5-FPS grid with the pipeline's own transforms (:class:`MultiViewDecordInit`,
:class:`DecodeMultiViewVideo`, :class:`LoadAudioFbank`), normalised by the model's data
preprocessor and encoded; the file layout is described in
:mod:`mmvicokd.datasets.caches.feature_cache`.
"""
import logging
import os.path as osp
import time
from typing import Dict, List

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import DefaultScope
from mmengine.runner.utils import set_random_seed
from mmengine.utils import track_iter_progress
from torch import nn

from ..datasets.caches.feature_cache import (DTYPES, FEATURE_FORMAT, MANIFEST, feature_file,
                                             manifest_key, read_features, read_manifest,
                                             stale_reason, write_features)
from ..datasets.caches.sources import add_recordings, source_stamp
from ..datasets.multisensor_home_dataset import MultiSensorHomeDataset
from ..datasets.transforms.decode_multi_view_video import DecodeMultiViewVideo
from ..datasets.transforms.load_audio_fbank import FBANK_FRAMES_PER_SECOND, LoadAudioFbank
from ..datasets.transforms.multi_view_decord_init import MultiViewDecordInit
from ..models.cached_encoders import cached_encoders, preprocess_settings, weights_fingerprint
from ..utils.atomic_files import write_json

_SPLITS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_AUDIO_SAMPLE_RATE = 16000  # LoadAudioFbank's default, as in every config's pipeline


def build_model_like_runner(cfg: Config) -> nn.Module:
    """``cfg.model`` seeded with ``cfg.randomness``, built and initialised, in eval mode."""
    randomness = dict(cfg.get('randomness', None) or dict(seed=None))
    set_random_seed(**randomness)
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmaction')):
        model = MODELS.build(cfg.model)
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # init_weights logs every parameter at INFO
    try:
        model.init_weights()
    finally:
        logger.setLevel(level)
    return model.eval()


def decode_settings(encoders: Dict[str, nn.Module]) -> dict:
    """Frame side from the visual encoder's input; fbank window and mel bins from the audio
    encoder's (``LoadAudioFbank`` with its default sample rate and AST normalisation)."""
    channels, height, width = encoders['visual'].frame_shape
    if channels != 3 or height != width:
        raise ValueError(f'feature cache: the visual encoder takes frames of shape '
                         f'{encoders["visual"].frame_shape}; DecodeMultiViewVideo gives square '
                         'RGB frames (3, S, S)')
    settings = dict(resize=int(height))
    if 'audio' in encoders:
        window_frames, mel_bins = encoders['audio'].frame_shape
        settings.update(window_frames=int(window_frames), num_mel_bins=int(mel_bins),
                        sample_rate=_AUDIO_SAMPLE_RATE, normalize=True)
    return settings


def dataset_recordings(cfg: Config) -> tuple[List[dict], float]:
    """Data infos of every recording of the config's train/val/test sets, and their fps."""
    infos, fps_seen = {}, set()
    for split in _SPLITS:
        loader = cfg.get(split, None)
        if not loader:
            continue
        ds = loader['dataset']
        if ds.get('type') != 'MultiSensorHomeDataset':
            raise ValueError(f'feature cache: {split}.dataset is a {ds.get("type")!r}; only '
                             'MultiSensorHomeDataset is supported')
        fps = float(ds.get('fps', 2.5))
        fps_seen.add(fps)
        add_recordings(infos, MultiSensorHomeDataset(
            ann_file=ds['ann_file'], data_root=ds.get('data_root', ''), fps=fps,
            views=ds.get('views')))
    if not infos:
        raise ValueError('feature cache: the config has no train/val/test dataset')
    if len(fps_seen) != 1:
        raise ValueError(f'feature cache: the data sets use different fps {sorted(fps_seen)}')
    return list(infos.values()), fps_seen.pop()


def _describe(encoder: nn.Module) -> dict:
    checkpoint = getattr(encoder, 'checkpoint', None)
    stamp = None
    if checkpoint is not None and osp.isfile(checkpoint):
        stamp = dict(path=osp.abspath(checkpoint), **source_stamp(checkpoint))
    return dict(config=dict(type=type(encoder).__name__,
                            frame_shape=list(encoder.frame_shape)),
                checkpoint=stamp, out_dim=int(encoder.out_dim),
                fingerprint=weights_fingerprint(encoder))


def make_manifest(model: nn.Module, encoders: Dict[str, nn.Module], fps: float, dtype: str,
                  config: str) -> dict:
    """The cache's manifest (:mod:`mmvicokd.datasets.caches.feature_cache`), ``key`` included."""
    manifest = dict(format=FEATURE_FORMAT, dtype=dtype, fps=fps,
                    decode=decode_settings(encoders), preprocess=preprocess_settings(model),
                    encoders={n: _describe(e) for n, e in encoders.items()}, config=config)
    manifest['key'] = manifest_key(manifest)
    return manifest


def _differences(old: dict, new: dict) -> List[str]:
    fields = [k for k in ('dtype', 'fps', 'decode', 'preprocess') if old.get(k) != new[k]]
    for name in sorted(set(old.get('encoders', {})) | set(new['encoders'])):
        before = old.get('encoders', {}).get(name, {}).get('fingerprint')
        if before != new['encoders'].get(name, {}).get('fingerprint'):
            fields.append(f'{name} encoder weights')
    return fields


def extract_recording(model: nn.Module, encoders: Dict[str, nn.Module], info: dict,
                      settings: dict, chunk_frames: int, dtype: str) -> tuple[dict, dict]:
    """Features ``{name: (V, T_full, D)}`` of one recording (a data info) and their meta."""
    stamps = [source_stamp(f) for f in info['filenames']]
    results = MultiViewDecordInit()(dict(info))
    num_frames = [len(r) for r in results['video_readers']]
    t_full = results['num_clip_frames']
    grid = np.arange(t_full, dtype=np.int64)
    audio = None
    if 'audio' in encoders:
        load = LoadAudioFbank(num_mel_bins=settings['num_mel_bins'],
                              window=settings['window_frames'] / FBANK_FRAMES_PER_SECOND,
                              sample_rate=settings['sample_rate'],
                              normalize=settings['normalize'])
        audio = load(dict(results, frame_inds=grid))['audio']  # (V, T_full, Fa, M)
    decode = DecodeMultiViewVideo(resize=settings['resize'])
    chunks = {name: [] for name in encoders}
    for start in range(0, t_full, chunk_frames):
        inds = grid[start:start + chunk_frames]
        imgs = decode(dict(results, frame_inds=inds))['imgs']  # (V, n, H, W, 3)
        inputs = dict(video=[torch.from_numpy(imgs).permute(0, 1, 4, 2, 3).contiguous()])
        if audio is not None:
            inputs['audio'] = [torch.from_numpy(audio[:, start:start + len(inds)])]
        data = model.data_preprocessor(dict(inputs=inputs), training=False)['inputs']
        with torch.no_grad():
            chunks['visual'].append(encoders['visual'](data['video'])[0].float().cpu())
            if audio is not None:
                chunks['audio'].append(encoders['audio'](data['audio'])[0].float().cpu())
    features = {name: torch.cat(parts, dim=1).numpy().astype(dtype)
                for name, parts in chunks.items()}
    meta = dict(recording_id=info['recording_id'], views=info['views'], sources=stamps,
                num_frames=num_frames, avg_fps=results['avg_fps'], t_full=int(t_full),
                features=sorted(features), dtype=dtype)
    return meta, features


def _up_to_date(path: str, info: dict, manifest: dict) -> bool:
    if not osp.isfile(path):
        return False
    try:
        meta, _ = read_features(path, info['recording_id'], arrays=False)
    except RuntimeError:
        return False  # unreadable: rebuild it
    return (meta.get('views') == info['views'] and stale_reason(
        meta, manifest, info['filenames'], info['views'], manifest['fps']) is None)


def build_feature_cache(cfg: Config, out_dir: str, dtype: str = 'float16', device: str = 'cpu',
                        chunk_frames: int = 64, overwrite: bool = False,
                        config_name: str = 'CONFIG') -> dict:
    """Write the features of every recording of ``cfg``'s data sets under ``out_dir``.

    Resumable: files that are up to date with the manifest and their view files are skipped;
    missing, stale or unreadable ones are (re)built, each written atomically.

    Args:
        cfg: a config whose encoders are all frozen (recognizer or distiller).
        out_dir: the cache folder (``MultiViewFeatureInit``'s ``cache_dir``).
        dtype: storage dtype, ``'float16'`` or ``'float32'``.
        device: where the encoders run.
        chunk_frames: grid frames decoded and encoded at a time, per view.
        overwrite: replace a cache built for other encoders or settings; without it that is an
            error.
        config_name: how the manifest names the config.

    Returns:
        dict: ``cache_dir``, ``num_recordings``, ``built``, ``up_to_date``, ``seconds``,
        ``disk_bytes`` (of the files written for these recordings), ``manifest``.
    """
    if dtype not in DTYPES:
        raise ValueError(f'feature cache dtype must be one of {DTYPES}, got {dtype!r}')
    if chunk_frames < 1:
        raise ValueError(f'chunk_frames must be >= 1, got {chunk_frames}')
    start = time.perf_counter()
    model = build_model_like_runner(cfg).to(device)
    encoders = cached_encoders(model)
    infos, fps = dataset_recordings(cfg)
    manifest = make_manifest(model, encoders, fps, dtype, config_name)
    if osp.isfile(osp.join(out_dir, MANIFEST)) and not overwrite:
        old = read_manifest(out_dir)
        if old['key'] != manifest['key']:
            raise ValueError(
                f'feature cache {out_dir} holds features of other encoders or settings (they '
                f'differ in: {", ".join(_differences(old, manifest)) or "format"}); pass '
                '--overwrite to rebuild it, or choose another --out folder')
    write_json(osp.join(out_dir, MANIFEST), manifest)
    jobs = [(info, feature_file(out_dir, info['recording_id'])) for info in infos]
    todo = [(info, path) for info, path in jobs if not _up_to_date(path, info, manifest)]
    print(f'feature cache {out_dir}: {len(jobs) - len(todo)} of {len(jobs)} recordings up to '
          f'date, extracting {len(todo)}')
    for info, path in (track_iter_progress(todo) if todo else []):
        meta, features = extract_recording(model, encoders, info, manifest['decode'],
                                           chunk_frames, dtype)
        meta.update(format=FEATURE_FORMAT, key=manifest['key'])
        write_features(path, meta, features)
    return dict(cache_dir=osp.abspath(out_dir), num_recordings=len(jobs), built=len(todo),
                up_to_date=len(jobs) - len(todo), seconds=time.perf_counter() - start,
                disk_bytes=sum(osp.getsize(path) for _, path in jobs), manifest=manifest)
