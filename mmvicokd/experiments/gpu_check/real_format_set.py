"""The data section's set: MultiSensor-Home-format recordings and their JPEG frame cache.

One recording of ``views`` H.264 + AAC views is written by the benchmark's writer
(:func:`mmvicokd.experiments.speed.recording.write_recording`: a textured room, a moving figure,
sensor noise, a tone in room noise) and copied under ``recordings - 1`` more recording ids, so
that a loader draws from several recordings; decoding costs the same for each. ``train.json`` and
``human_masks.json`` list them all. The frame cache is the format the Home-1 config recommends
(``tools/cache_frames.py --format jpeg --fbank-dtype float16``) at the pipeline's 224 px.
"""
import json
import os
import os.path as osp
import shutil

from ...datasets.caches.frame_cache import build_frame_cache
from ...utils.atomic_files import write_json
from ..speed.recording import RECORDING_ID, RESIZE, write_recording
from .settings import CheckSizes

AUDIO_RATE = 48000  # the benchmark's default AAC rate (resampled to 16 kHz by LoadAudioFbank)
ANN_FILE, MASK_FILE = 'train.json', 'human_masks.json'
CACHE_FORMAT = dict(frame_format='jpeg', fbank_dtype='float16')


def _folder_mib(folder: str) -> float:
    return sum(osp.getsize(osp.join(d, f)) for d, _, files in os.walk(folder)
               for f in files) / 2 ** 20


def write_real_format_set(folder: str, sizes: CheckSizes) -> dict:
    """Write the set under ``folder`` (its data root).

    Returns:
        dict: ``data_root``, ``ann_file``, ``mask_file`` (absolute) and ``write_s``.
    """
    rec = write_recording(folder, sizes.views, sizes.duration_s, sizes.fps, sizes.width,
                          sizes.height, AUDIO_RATE)
    with open(rec['ann_file']) as f:
        entry, = json.load(f)
    with open(rec['mask_file']) as f:
        scores = json.load(f)[RECORDING_ID]
    entries, masks = [], {}
    for index in range(1, sizes.recordings + 1):
        copy = dict(entry)
        for view in range(1, sizes.views + 1):
            url = f'01/{index}-View{view}-Part1.mp4'
            if index > 1:
                shutil.copyfile(osp.join(folder, entry[f'video_url_{view}']),
                                osp.join(folder, url))
            copy[f'video_url_{view}'] = url
        entries.append(copy)
        masks[f'01/{index}-Part1'] = scores
    write_json(osp.join(folder, ANN_FILE), entries, indent=None)
    write_json(osp.join(folder, MASK_FILE), masks, indent=None)
    return dict(data_root=folder, ann_file=osp.join(folder, ANN_FILE),
                mask_file=osp.join(folder, MASK_FILE), write_s=rec['write_s'])


def build_jpeg_cache(data: dict, cache_dir: str) -> dict:
    """The JPEG frame cache of every recording (one process per core): ``dict(cache_dir,
    build_s, disk_mib, frame_format, fbank_dtype, resize)``."""
    built = build_frame_cache(data['data_root'], [ANN_FILE], cache_dir, resize=RESIZE,
                              **CACHE_FORMAT)
    return dict(cache_dir=cache_dir, build_s=built['seconds'], disk_mib=_folder_mib(cache_dir),
                resize=RESIZE, **CACHE_FORMAT)
