"""A run's calibrated thresholds: ``thresholds.json`` beside its checkpoint and in its ``meta``.

``tools/calibrate.py`` writes both (:func:`save_thresholds`; the record:
:mod:`mmvicokd.evaluation.threshold_record`). ``tools/infer.py`` and ``tools/test.py`` find
them with :func:`stored_thresholds`: the checkpoint's ``meta['frame_thresholds']`` first (it
travels with the file, and ``tools/extract_student.py`` keeps it), else ``thresholds.json`` in
the checkpoint's folder when that file names this checkpoint (a work dir holds several).
"""
import os.path as osp
from typing import Optional, Tuple

from ..evaluation.threshold_record import THRESHOLDS_FILE, read_thresholds_file
from ..models.distillers.checkpoint import read_checkpoint, save_atomic
from ..utils.atomic_files import write_json

META_KEY = 'frame_thresholds'


def save_thresholds(record: dict, checkpoint: str) -> str:
    """Write ``record`` to ``thresholds.json`` beside ``checkpoint`` and into its ``meta``
    (the checkpoint is rewritten whole, atomically: weights, optimizer and message hub stay).

    Returns:
        The path of ``thresholds.json``.
    """
    ckpt = read_checkpoint(checkpoint, 'checkpoint to calibrate')
    ckpt['meta'] = dict(ckpt.get('meta') or {}, **{META_KEY: record})
    save_atomic(ckpt, checkpoint)
    return write_json(osp.join(osp.dirname(osp.abspath(checkpoint)), THRESHOLDS_FILE), record)


def stored_thresholds(checkpoint: str) -> Optional[Tuple[dict, str]]:
    """``(record, where it was found)`` of ``checkpoint``, None if it has none (module
    docstring for the order)."""
    meta = read_checkpoint(checkpoint, 'checkpoint').get('meta') or {}
    if META_KEY in meta:
        return meta[META_KEY], f'the meta of {checkpoint}'
    path = osp.join(osp.dirname(osp.abspath(checkpoint)), THRESHOLDS_FILE)
    if osp.isfile(path):
        record = read_thresholds_file(path)
        if record.get('checkpoint') == osp.basename(checkpoint):
            return record, path
    return None
