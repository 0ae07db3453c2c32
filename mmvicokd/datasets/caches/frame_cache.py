"""Frames pre-decoded on the 2.5-FPS grid plus whole-track fbanks, one file per recording.

docs/design.md section 8: decoding dominates training, so :func:`build_frame_cache` decodes every
recording once and :class:`~mmvicokd.datasets.transforms.LoadMultiViewCache` reads it back in
place of :class:`~mmvicokd.datasets.transforms.MultiViewDecordInit`.

The cache holds the decoding transforms' own outputs, so reading it gives the same arrays:
``video`` is :class:`DecodeMultiViewVideo` run at every grid frame, ``fbank`` is
:meth:`LoadAudioFbank.track_fbanks`. One ``{cache_dir}/{recording_id}.npz`` per recording with

- the video, np.uint8 (V, T_cache, H, W, 3): grid frames 0..T_cache-1 of each view, T_cache the
  largest per-view T_full (a view shorter than that repeats its last frame, as decoding does),
  stored as the frame format says (:mod:`.frame_formats`: ``raw``, ``deflate``, or
  ``jpeg``, lossy; the first two read back bitwise);
- ``fbank`` (V, S, M): each view's whole-track kaldi fbank, shorter tracks padded to the
  longest S with the fbank floor (silence), as the windows are past a track's end; float32
  (bitwise) or float16, read back as float32;
- ``meta``: a JSON string with the cache format, recording id, views, per-view native frame
  counts and rates, the settings (fps, resize, num_mel_bins, sample_rate, frame_format,
  jpeg_quality, fbank_dtype), the data root and annotation file it was built from, and each
  view file's name, size and mtime, which tell a stale cache.

The loader reads every format from what ``meta`` records: no config change when the format does.
"""
import json
import os
import os.path as osp
import time
import zipfile
from typing import Sequence

import numpy as np

from .sources import add_recordings, source_stamp, sources_stale_reason
from .frame_formats import (STORAGE_KEYS, decode_arrays, encode_arrays, meta_storage,
                                  storage_settings)
from ..functional import multi_view_timing
from ..multisensor_home_dataset import MultiSensorHomeDataset
from ..transforms.decode_multi_view_video import DecodeMultiViewVideo
from ..transforms.load_audio_fbank import FBANK_FLOOR, LoadAudioFbank
from ..transforms.multi_view_decord_init import MultiViewDecordInit
from ...utils.atomic_files import atomic_path

# 2: fbanks padded with the fbank floor instead of 0; 3: frame format and fbank dtype in meta
CACHE_FORMAT = 3
READABLE_FORMATS = (2, 3)  # a format-2 file reads as raw frames and float32 fbanks
_SETTINGS = ('fps', 'resize', 'num_mel_bins', 'sample_rate')


def cache_file(cache_dir: str, recording_id: str) -> str:
    """Path of one recording's cache file: ``{cache_dir}/{recording_id}.npz``."""
    return osp.join(cache_dir, f'{recording_id}.npz')


def cache_command(data_root, ann_file, out, resize, fps, views, num_mel_bins=None,
                  sample_rate=None, frame_format=None, jpeg_quality=None,
                  fbank_dtype=None) -> str:
    """The ``tools/cache_frames.py`` command line for these settings (None: option left out)."""
    parts = ['python tools/cache_frames.py', f'--data-root {data_root}',
             f'--ann-file {ann_file}', f'--out {out}', f'--resize {resize}', f'--fps {fps}',
             '--views ' + ' '.join(str(v) for v in views)]
    if num_mel_bins is not None:
        parts.append(f'--num-mel-bins {num_mel_bins}')
    if sample_rate is not None:
        parts.append(f'--sample-rate {sample_rate}')
    for option, value in (('--format', frame_format), ('--jpeg-quality', jpeg_quality),
                          ('--fbank-dtype', fbank_dtype)):
        if value is not None:
            parts.append(f'{option} {value}')
    return ' '.join(parts)


def meta_command(meta: dict, cache_dir: str) -> str:
    """The command that rebuilds the cache described by ``meta`` into ``cache_dir``."""
    return cache_command(meta['data_root'], meta['ann_file'], cache_dir, meta['resize'],
                         meta['fps'], meta['views'], meta['num_mel_bins'], meta['sample_rate'],
                         **meta_storage(meta))


def read_cache(path: str, where: str, arrays: bool = True) -> tuple:
    """``(meta, video, fbank)`` of a cache file; ``(meta, None, None)`` if not ``arrays``.

    ``video``: np.uint8 (V, T_cache, H, W, 3), a :class:`~.jpeg_frames.JpegFrames` of that
    shape (decoded when indexed) for the ``jpeg`` format; ``fbank``: np.float32 (V, S, M).
    ``where`` names the recording for the error raised when the file cannot be read.
    """
    try:
        with np.load(path) as npz:
            meta = json.loads(str(npz['meta']))
            if not arrays:
                return meta, None, None
            video, fbank = decode_arrays(npz, meta)
            return meta, video, fbank
    except Exception as exc:
        raise RuntimeError(f'{where}: cannot read frame cache file {path}: {exc}') from exc


def stale_reason(meta: dict, filenames: Sequence[str], views: Sequence[int],
                 fps: float) -> str | None:
    """Why the cache ``meta`` cannot serve ``views`` (1-based) of ``filenames``, else None.

    Stale: another cache format or fps, a view not cached, or a view file renamed, missing or
    changed (size or mtime) since the cache was built.
    """
    if meta.get('format') not in READABLE_FORMATS:
        return (f"it has cache format {meta.get('format')}, this code reads "
                f'{READABLE_FORMATS}')
    return sources_stale_reason(meta, meta['fps'], filenames, views, fps, made='cached',
                                since='the cache was built')


def savez_deterministic(f, deflated: Sequence[str] = (), **arrays: np.ndarray) -> None:
    """``np.savez`` (same ``.npz`` layout, read by ``np.load``) with fixed zip timestamps.

    ``np.savez`` stamps every zip member with the current time, so two builds of the same
    recording would differ in a few bytes; here equal arrays give equal files. The members
    named in ``deflated`` are zip-deflated, as ``np.savez_compressed`` does.
    """
    with zipfile.ZipFile(f, mode='w', compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f'{name}.npy', date_time=(1980, 1, 1, 0, 0, 0))
            if name in deflated:
                member.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(member, mode='w', force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(array), allow_pickle=False)


def _write_atomic(path: str, deflated: Sequence[str] = (), **arrays: np.ndarray) -> None:
    """:func:`savez_deterministic` to a temporary name in the same folder, then rename it.

    A process killed while writing leaves at most ``{path}.tmp-{pid}``, which no reader opens
    (the next build of ``path`` removes it), never a partial ``path``.
    """
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            savez_deterministic(f, deflated=deflated, **arrays)


def build_recording_cache(info: dict, path: str, settings: dict, data_root: str) -> None:
    """Decode one recording (a dataset data info) once and write its cache file ``path``.

    ``settings``: ``fps``, ``resize``, ``num_mel_bins``, ``sample_rate`` and the storage
    settings (:func:`~.frame_formats.storage_settings`). Runs the decoding transforms
    themselves, at every grid frame, so the cache holds their output.
    """
    # stamped before decoding, so that a file edited during the build reads as stale later
    stamps = [source_stamp(f) for f in info['filenames']]
    results = MultiViewDecordInit()(dict(info))
    num_frames = [len(r) for r in results['video_readers']]
    t_cache = max(multi_view_timing([n], [f], settings['fps'])['num_clip_frames']
                  for n, f in zip(num_frames, results['avg_fps']))
    results['frame_inds'] = np.arange(t_cache, dtype=np.int64)
    video = DecodeMultiViewVideo(resize=settings['resize'])(results)['imgs']
    fbanks = LoadAudioFbank(num_mel_bins=settings['num_mel_bins'],
                            sample_rate=settings['sample_rate']).track_fbanks(results)
    fbank = np.full((len(fbanks), max(len(f) for f in fbanks), settings['num_mel_bins']),
                    FBANK_FLOOR, dtype=np.float32)
    for v, track in enumerate(fbanks):
        fbank[v, :len(track)] = track
    arrays, deflated, storage = encode_arrays(
        video, fbank, {k: settings[k] for k in STORAGE_KEYS})
    meta = dict(format=CACHE_FORMAT, recording_id=info['recording_id'], views=info['views'],
                sources=stamps, num_frames=num_frames, avg_fps=results['avg_fps'],
                data_root=data_root, ann_file=osp.abspath(info['ann_file']),
                **{k: settings[k] for k in _SETTINGS}, **storage)
    _write_atomic(path, deflated=deflated, **arrays, meta=np.array(json.dumps(meta)))


def _up_to_date(path: str, info: dict, settings: dict) -> bool:
    if not osp.isfile(path):
        return False
    try:
        meta, _, _ = read_cache(path, info['recording_id'], arrays=False)
    except RuntimeError:
        return False  # unreadable: rebuild it
    return (stale_reason(meta, info['filenames'], info['views'], settings['fps']) is None
            and meta['views'] == info['views']
            and all(meta[k] == settings[k] for k in _SETTINGS)
            and meta_storage(meta) == {k: settings[k] for k in STORAGE_KEYS})


def _build_job(job: tuple) -> str:
    info, path, settings, data_root = job
    build_recording_cache(info, path, settings, data_root)
    return info['recording_id']


def _init_worker() -> None:
    import torch
    torch.set_num_threads(1)  # the workers already use every core


def _collect_infos(data_root: str, ann_files: Sequence[str], fps: float,
                   views: Sequence[int] | None) -> list[dict]:
    infos = {}
    for ann_file in ann_files:
        add_recordings(infos, MultiSensorHomeDataset(ann_file=ann_file, data_root=data_root,
                                                     fps=fps, views=views))
    return list(infos.values())


def _disk_bytes(folder: str) -> int:
    return sum(osp.getsize(osp.join(d, f)) for d, _, files in os.walk(folder) for f in files)


def build_frame_cache(data_root: str, ann_files: Sequence[str], out_dir: str, resize: int = 224,
                      fps: float = 2.5, views: Sequence[int] | None = None,
                      num_mel_bins: int = 128, sample_rate: int = 16000,
                      workers: int | None = None, frame_format: str = 'raw',
                      jpeg_quality: int | None = None, fbank_dtype: str = 'float32') -> dict:
    """Write the cache of every recording of ``ann_files`` under ``out_dir`` (module docstring).

    Resumable: recordings whose cache file is up to date (same sources, views and settings) are
    skipped; missing, stale or unreadable ones are (re)built. Files are written atomically.

    Args:
        data_root: the dataset's ``data_root``.
        ann_files: annotation files, relative to ``data_root`` unless absolute.
        out_dir: the cache folder (``LoadMultiViewCache``'s ``cache_dir``).
        resize: frame side, as ``DecodeMultiViewVideo(resize)``.
        fps: grid frame rate, as the dataset's ``fps``.
        views: 1-based views to cache (default: all views of the entries).
        num_mel_bins, sample_rate: as ``LoadAudioFbank``.
        workers: recordings decoded in parallel (default: one per CPU core).
        frame_format: ``raw``, ``deflate`` or ``jpeg`` (:mod:`.frame_formats`).
        jpeg_quality: JPEG quality 1..100 of the ``jpeg`` format (default 90).
        fbank_dtype: ``float32`` or ``float16``.

    Returns:
        dict: ``cache_dir``, ``num_recordings``, ``built``, ``up_to_date``, ``seconds`` (build
        time), ``disk_bytes`` (size of ``out_dir``) and the storage settings ``frame_format``,
        ``jpeg_quality`` (the one used, None unless jpeg), ``fbank_dtype``.
    """
    from mmengine.utils import track_parallel_progress, track_progress

    start = time.perf_counter()
    data_root = osp.abspath(data_root)
    settings = dict(fps=float(fps), resize=int(resize), num_mel_bins=int(num_mel_bins),
                    sample_rate=int(sample_rate),
                    **storage_settings(frame_format, jpeg_quality, fbank_dtype))
    infos = _collect_infos(data_root, ann_files, settings['fps'], views)
    jobs = [(info, cache_file(out_dir, info['recording_id']), settings, data_root)
            for info in infos]
    todo = [job for job in jobs if not _up_to_date(job[1], job[0], settings)]
    print(f'frame cache {out_dir}: {len(jobs) - len(todo)} of {len(jobs)} recordings up to '
          f'date, building {len(todo)}')
    if todo:
        workers = min(len(todo), workers or os.cpu_count() or 1)
        if workers == 1:
            track_progress(_build_job, todo)
        else:
            track_parallel_progress(_build_job, todo, workers, initializer=_init_worker,
                                    keep_order=False)
    return dict(cache_dir=osp.abspath(out_dir), num_recordings=len(jobs), built=len(todo),
                up_to_date=len(jobs) - len(todo), seconds=time.perf_counter() - start,
                disk_bytes=_disk_bytes(out_dir) if osp.isdir(out_dir) else 0,
                **{k: settings[k] for k in STORAGE_KEYS})
