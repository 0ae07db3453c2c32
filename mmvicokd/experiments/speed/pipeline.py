"""Section 3: each transform of the Home-1 train pipeline on one multi-view recording."""
import copy
import os.path as osp
import statistics
import time

import numpy as np
from mmaction.registry import TRANSFORMS
from mmengine.config import Config

from ...datasets.multisensor_home_dataset import MultiSensorHomeDataset
from ...utils.package_configs import package_config

PIPELINE_CONFIG = '_base_/datasets/multisensor_home1.py'


def train_pipeline(clip_len: int) -> list:
    """The Home-1 train pipeline config, with ``clip_len`` frames."""
    pipeline = copy.deepcopy(Config.fromfile(package_config(PIPELINE_CONFIG)).train_pipeline)
    for step in pipeline:
        if step['type'] == 'SampleMultiViewFrames':
            step['clip_len'] = clip_len
    return pipeline


def bench_pipeline(recording: dict, clip_len: int, repeats: int, warmup: int) -> dict:
    """Seconds per transform of the train pipeline on one multi-view recording, and shares.

    ``warmup`` untimed runs come first.
    """
    dataset = MultiSensorHomeDataset(ann_file=recording['ann_file'],
                                     data_root=osp.dirname(recording['ann_file']),
                                     human_mask_file=recording['mask_file'], pipeline=[])
    info = dataset.get_data_info(0)
    steps = [(cfg['type'], TRANSFORMS.build(cfg)) for cfg in train_pipeline(clip_len)]
    times = {name: [] for name, _ in steps}
    totals = []
    packed = None
    for r in range(warmup + repeats):
        np.random.seed(r)  # random train offsets, the same ones in every invocation
        results = copy.deepcopy(info)
        t_run = time.perf_counter()
        for name, step in steps:
            t0 = time.perf_counter()
            results = step(results)
            if r >= warmup:
                times[name].append(time.perf_counter() - t0)
        if r >= warmup:
            totals.append(time.perf_counter() - t_run)
        packed = results
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    whole = sum(medians.values())
    rows = [dict(name=name, median_s=medians[name], times_s=times[name],
                 share=medians[name] / whole) for name in medians]
    decode = sum(row['share'] for row in rows
                 if row['name'] in ('MultiViewDecordInit', 'DecodeMultiViewVideo'))
    inputs = {k: list(v.shape) for k, v in packed['inputs'].items()}
    return dict(views=len(info['filenames']), frames=clip_len, inputs=inputs, rows=rows,
                total_median_s=statistics.median(totals), video_decode_share=decode)
