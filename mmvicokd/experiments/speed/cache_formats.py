"""Section 6b: the frame cache in each storage format (``tools/cache_frames.py --format``).

Builds the benchmark recording's frame cache once per format (:data:`FORMATS`), then measures,
in one run: bytes per recording (the video and fbank members apart), the time of one training
sample through the Home-1 train pipeline reading each cache (``LoadMultiViewCache`` in place of
``MultiViewDecordInit``, as section 6) and decoding the videos, interleaved, and how far each
format's sample is from the decoded one (JPEG and float16 are lossy; raw and deflate must be
exact). The bytes are scaled to GB per hour of 5-view recording and to the whole
MultiSensor-Home data set (:data:`DATASET_RECORDINGS` x :data:`DATASET_MEAN_S`).
"""
import copy
import os.path as osp
import zipfile

import numpy as np
from mmengine.registry import DefaultScope

from ...datasets.caches.frame_cache import build_frame_cache, cache_file
from ...datasets.multisensor_home_dataset import MultiSensorHomeDataset
from .measure import ratio_rows, time_interleaved
from .pipeline import train_pipeline
from .recording import RECORDING_ID, RESIZE

FORMATS = {
    'raw': dict(frame_format='raw'),
    'deflate': dict(frame_format='deflate'),
    'jpeg q90': dict(frame_format='jpeg', jpeg_quality=90),
    'jpeg q95': dict(frame_format='jpeg', jpeg_quality=95),
    'jpeg q90 + float16 fbank': dict(frame_format='jpeg', jpeg_quality=90, fbank_dtype='float16'),
}
DECODE = 'decode (Home-1 train pipeline)'
# MultiSensor-Home (Home-1 + Home-2): 5,250 recordings of 5 views; mean duration 28 s, the
# T = 70 frames at 2.5 FPS the paper samples "based on the average video duration" (Sec. 4.1).
DATASET_RECORDINGS = 5250
DATASET_MEAN_S = 28.0
DATASET_VIEWS = 5


def _member_bytes(path: str) -> dict:
    """Stored bytes of the file's video members (``video*``), fbank and the rest."""
    with zipfile.ZipFile(path) as zf:
        sizes = {i.filename: i.compress_size for i in zf.infolist()}
    video = sum(v for k, v in sizes.items() if k.startswith('video'))
    fbank = sizes.get('fbank.npy', 0)
    return dict(video=video, fbank=fbank, file=osp.getsize(path))


def _sample(dataset) -> dict:
    np.random.seed(0)  # the same train-mode frame offsets for every pipeline
    return dataset[0]['inputs']


def _diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    d = np.abs(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64))
    return float(d.max()), float(d.mean())


def bench_cache_formats(recording: dict, duration: float, folder: str, clip_len: int,
                        repeats: int) -> dict:
    """Bytes per recording, seconds per sample and error of each frame-cache format.

    ``recording``: :func:`~.recording.write_recording`'s result, ``duration`` seconds long.
    """
    data_root = osp.dirname(recording['ann_file'])
    ann_file = osp.basename(recording['ann_file'])
    decode = train_pipeline(clip_len)
    pipelines, builds = {DECODE: decode}, {}
    for name, storage in FORMATS.items():
        out = osp.join(folder, 'cache_formats', name.replace(' ', '_').replace('+', 'and'))
        builds[name] = build_frame_cache(data_root, [ann_file], out, resize=RESIZE, workers=1,
                                         **storage)
        builds[name]['bytes'] = _member_bytes(cache_file(out, RECORDING_ID))
        pipelines[name] = [dict(type='LoadMultiViewCache', cache_dir=out)
                           if step['type'] == 'MultiViewDecordInit' else step
                           for step in copy.deepcopy(decode)]
    with DefaultScope.overwrite_default_scope('mmaction'):
        datasets = {name: MultiSensorHomeDataset(ann_file=ann_file, data_root=data_root,
                                                 human_mask_file=recording['mask_file'],
                                                 pipeline=pipeline)
                    for name, pipeline in pipelines.items()}
        reference = _sample(datasets[DECODE])
        errors = {name: {key: _diff(_sample(ds)[key], reference[key])
                         for key in ('video', 'audio')} for name, ds in datasets.items()}
        times = time_interleaved({name: (lambda ds=ds: ds[0]) for name, ds in datasets.items()},
                                 repeats, warmup=1)
    rows = ratio_rows(times, DECODE)
    mp4_bytes = sum(osp.getsize(f) for f in recording['filenames'])
    views = len(recording['filenames'])
    raw_bytes = builds['raw']['bytes']['file']
    for row in rows:
        row['speedup'] = 1.0 / row['ratio']
        row['video_max_abs_diff'], row['video_mean_abs_diff'] = errors[row['name']]['video']
        row['audio_max_abs_diff'] = errors[row['name']]['audio'][0]
        if row['name'] == DECODE:
            row['bytes'] = dict(file=mp4_bytes, video=None, fbank=None)
        else:
            row['bytes'] = builds[row['name']]['bytes']
            row['build_s'] = builds[row['name']]['seconds']
        per_hour = row['bytes']['file'] / duration * 3600 * DATASET_VIEWS / views
        row['gb_per_hour'] = per_hour / 1e9
        row['dataset_gb'] = per_hour * DATASET_RECORDINGS * DATASET_MEAN_S / 3600 / 1e9
        row['bytes_vs_raw'] = row['bytes']['file'] / raw_bytes
        row['bytes_vs_mp4'] = row['bytes']['file'] / mp4_bytes
    return dict(rows=rows, clip_len=clip_len, resize=RESIZE, views=views, duration_s=duration,
                dataset=dict(recordings=DATASET_RECORDINGS, mean_s=DATASET_MEAN_S,
                             views=DATASET_VIEWS))
