"""The record of a run's calibrated frame thresholds, as ``thresholds.json`` holds it.

``tools/calibrate.py`` writes it beside the checkpoint and into the checkpoint's ``meta``
(:mod:`mmvicokd.experiments.run_thresholds`); ``MultiLabelMAP(thresholds=<path>)`` reads the
file. Fields::

    classes        C class names, in label order
    thresholds     C numbers; null: never detected (no positive frame in the calibration split)
    rule           'frame score >= threshold'
    method         how they were fitted (:mod:`.calibration`)
    checkpoint     the file name of the checkpoint they were fitted for
    split          the calibration split: ann_file, in_sample (it is the training split),
                   recordings, frames
    split_metrics  frame_mAP, frame_F1, frame_precision, frame_recall (percent) on that split
                   (in-sample for the thresholds: the test split says how they generalise)
"""
import json
import os.path as osp
from typing import Sequence

import numpy as np

from .calibration import check_thresholds

THRESHOLDS_FILE = 'thresholds.json'
RULE = 'frame score >= threshold'
METHOD = ('per-class F1-optimal threshold on the frame scores of a held-out split '
          '(mmvicokd.evaluation.calibration; ties: the highest threshold)')


def thresholds_record(thresholds: np.ndarray, classes: Sequence[str], checkpoint: str,
                      split: dict, split_metrics: dict) -> dict:
    """The record of (C,) ``thresholds`` (``inf`` -> null) (module docstring)."""
    if len(classes) != len(thresholds):
        raise ValueError(f'{len(thresholds)} thresholds for {len(classes)} classes')
    return dict(classes=list(classes),
                thresholds=[None if np.isinf(t) else float(t) for t in thresholds],
                rule=RULE, method=METHOD, checkpoint=osp.basename(checkpoint), split=split,
                split_metrics=split_metrics)


def read_thresholds_file(path: str) -> dict:
    """The record in a ``thresholds.json`` file (one error naming the file if it is not one)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'thresholds file {path} does not exist (tools/calibrate.py '
                                'writes it)')
    try:
        with open(path, encoding='utf-8') as f:
            record = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f'thresholds file {path} is not valid JSON: {err}') from err
    if not isinstance(record, dict) or not {'classes', 'thresholds'} <= set(record):
        raise ValueError(f'thresholds file {path} holds no record with classes and thresholds')
    return record


def record_thresholds(record: dict, classes: Sequence[str], where: str) -> np.ndarray:
    """(C,) float64 thresholds of ``record`` (null -> ``inf``) for a model of ``classes``.

    Raises:
        ValueError: the record was fitted for other classes; the message names ``where``.
    """
    if list(record['classes']) != list(classes):
        raise ValueError(f'thresholds in {where} were fitted for the classes '
                         f'{json.dumps(record["classes"])}, but the config names '
                         f'{json.dumps(list(classes))}')
    return check_thresholds(record['thresholds'], len(classes), f'thresholds in {where}')
