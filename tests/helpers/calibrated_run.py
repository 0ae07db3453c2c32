"""A copy of the tiny Student run's checkpoint calibrated by ``tools/calibrate.py``, built once
per test session (shared by the calibrate, test and infer tool tests).

The Student of :mod:`.trained_runs` is calibrated on the tiny set's training split (its
validation split is its test split, which the tool refuses) in a folder of its own, so the
shared checkpoint stays without thresholds.
"""
import os.path as osp
import shutil

from .trained_runs import tool

_BUILT = {}


def calibrated_student(runs: dict, tmp_path_factory) -> dict:
    """``dict(config, ckpt, folder, thresholds=<thresholds.json>, record)``."""
    if _BUILT:
        return _BUILT
    folder = str(tmp_path_factory.mktemp('calibrated_student'))
    ckpt = shutil.copy(runs['student']['ckpt'], osp.join(folder, 'epoch_2.pth'))
    result = tool('calibrate.py')([runs['student']['config'], ckpt, '--ann-file', 'train.json',
                                   '--work-dir', osp.join(folder, 'logs')])
    _BUILT.update(result, config=runs['student']['config'], ckpt=ckpt, folder=folder)
    return _BUILT
