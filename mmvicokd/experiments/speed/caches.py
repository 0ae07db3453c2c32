"""Section 6: one training sample read from the frame cache and from the encoder-feature cache
vs decoded from the videos, measured side by side on the benchmark's recording.

The three pipelines are the Home-1 train pipeline (decoding), the same with
``LoadMultiViewCache`` (frames and fbanks pre-decoded by ``build_frame_cache``) and the
feature-cache pipeline of ``configs/_base_/datasets/multisensor_home1_features.py`` (features
built by ``build_feature_cache`` from the teacher feature config). Reading a feature file costs
the same whatever built it (it depends on V, T_full, D and the dtype), so the features are made
by the config's encoders cut to ``depth`` blocks to keep the benchmark short.
"""
import copy
import os
import os.path as osp

import numpy as np
from mmengine.config import Config
from mmengine.registry import DefaultScope

from ...apis.feature_extraction import build_feature_cache
from ...datasets.caches.frame_cache import build_frame_cache
from ...datasets.multisensor_home_dataset import MultiSensorHomeDataset
from ...utils.package_configs import package_config
from .measure import ratio_rows, time_interleaved
from .models import CONFIGS, model_config
from .pipeline import train_pipeline
from .recording import RESIZE

GOAL_FEATURE_SPEEDUP = 200.0


def _folder_bytes(folder: str) -> int:
    return sum(osp.getsize(osp.join(d, f)) for d, _, files in os.walk(folder) for f in files)


def _feature_pipeline(cache_dir: str, clip_len: int) -> list:
    cfg = Config.fromfile(package_config(CONFIGS['teacher_features']))
    pipeline = copy.deepcopy(cfg.train_pipeline)
    for step in pipeline:
        if step['type'] == 'MultiViewFeatureInit':
            step['cache_dir'] = cache_dir
        elif step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = clip_len
    return pipeline


def bench_cache_samples(recording: dict, folder: str, clip_len: int, repeats: int, arch: str,
                        img_size: int, depth: int) -> dict:
    """Seconds per training sample through each pipeline and the speed-ups over decoding."""
    data_root = osp.dirname(recording['ann_file'])
    ann_file = osp.basename(recording['ann_file'])
    frame_dir, feature_dir = osp.join(folder, 'frame_cache'), osp.join(folder, 'feature_cache')
    frames = build_frame_cache(data_root, [ann_file], frame_dir, resize=RESIZE, workers=1)
    dataset = dict(type='MultiSensorHomeDataset', data_root=data_root, ann_file=ann_file)
    features = build_feature_cache(
        Config(dict(default_scope='mmaction', randomness=dict(seed=0),
                    model=model_config('teacher_features', arch, img_size, depth),
                    train_dataloader=dict(dataset=dataset))), feature_dir)
    decode = train_pipeline(clip_len)
    cached = [dict(type='LoadMultiViewCache', cache_dir=frame_dir) if step['type'] ==
              'MultiViewDecordInit' else step for step in copy.deepcopy(decode)]
    pipelines = {'decode (Home-1 train pipeline)': decode, 'frame cache': cached,
                 'feature cache': _feature_pipeline(feature_dir, clip_len)}
    samples, shapes = {}, {}
    with DefaultScope.overwrite_default_scope('mmaction'):
        for name, pipeline in pipelines.items():
            ds = MultiSensorHomeDataset(ann_file=ann_file, data_root=data_root,
                                        human_mask_file=recording['mask_file'],
                                        pipeline=pipeline)
            samples[name] = (lambda ds=ds: ds[0])
            shapes[name] = {k: list(v.shape) for k, v in ds[0]['inputs'].items()}
    np.random.seed(0)
    rows = ratio_rows(time_interleaved(samples, repeats, warmup=1), next(iter(samples)))
    for row in rows:
        row['speedup'] = 1.0 / row['ratio']
        row['inputs'] = shapes[row['name']]
    by_name = {r['name']: r for r in rows}
    return dict(rows=rows, clip_len=clip_len,
                frame_cache=dict(build_s=frames['seconds'],
                                 disk_mib=_folder_bytes(frame_dir) / 2 ** 20),
                feature_cache=dict(build_s=features['seconds'],
                                   disk_mib=_folder_bytes(feature_dir) / 2 ** 20,
                                   dtype=features['manifest']['dtype'],
                                   dim=features['manifest']['encoders']['visual']['out_dim']),
                feature_speedup=by_name['feature cache']['speedup'],
                frame_speedup=by_name['frame cache']['speedup'],
                goal_feature_speedup=GOAL_FEATURE_SPEEDUP)
