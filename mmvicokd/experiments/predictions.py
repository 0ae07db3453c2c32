"""A run's test predictions as arrays, read from the ``DumpResults`` pickle of its test.

``tools/test.py --dump FILE`` and every run of ``tools/demo.py`` (``test_predictions.pkl`` in
the work dir) write, per test recording, the data sample's fields: ``recording_id``,
``pred_score`` (C,), ``gt_label`` (C,), ``pred_frame_score`` (T, C), ``frame_label`` (T, C),
``pred_view_frame_score`` (V, T, C) and ``human_mask`` (V, T). Recordings are put in the order
of their ids so that two runs on one split line up row for row. A student's feature distances
to its teacher (``tools/analysis_tools/feature_gaps.py``) are read from the same folder.
"""
import os.path as osp
from dataclasses import dataclass
from typing import List, Optional

import numpy as np

from ..evaluation.metrics.sample_fields import sample_arrays

#: where a run's work dir keeps its test predictions (``tools/demo.py``; ``tools/test.py CONFIG
#: CKPT --dump <work_dir>/test_predictions.pkl``), read by ``tools/report.py``
PREDICTIONS_FILE = 'test_predictions.pkl'
FIELDS = ('pred_score', 'gt_label', 'pred_frame_score', 'frame_label')
VIEW_FIELDS = ('pred_view_frame_score', 'human_mask')


@dataclass
class RunPredictions:
    """Test predictions of one run, recordings sorted by id.

    Attributes:
        ids: R recording ids.
        seq_scores, seq_labels: (R, C).
        frame_scores, frame_labels: (N, C), the frames of every recording in order.
        frame_recording: (N,) index in [0, R) of each frame's recording.
        view_scores: R arrays (V, T, C) of per-view sigmoid scores (empty without them).
        human_masks: R arrays (V, T) bool (empty without them).
        source: the file read.
        feature_gaps: ``{recording id: {statistic: [sum, count]}}`` of
            ``test_feature_gaps.json`` beside ``source`` (students), None without it.
    """

    ids: List[str]
    seq_scores: np.ndarray
    seq_labels: np.ndarray
    frame_scores: np.ndarray
    frame_labels: np.ndarray
    frame_recording: np.ndarray
    view_scores: List[np.ndarray]
    human_masks: List[np.ndarray]
    source: str
    feature_gaps: Optional[dict] = None

    def level(self, level: str) -> dict:
        """``scores``, ``labels`` and ``recording`` rows of ``'seq'`` or ``'frame'`` mAP."""
        if level == 'seq':
            return dict(scores=self.seq_scores, labels=self.seq_labels,
                        recording=np.arange(len(self.ids)))
        if level == 'frame':
            return dict(scores=self.frame_scores, labels=self.frame_labels,
                        recording=self.frame_recording)
        raise ValueError(f"level must be 'seq' or 'frame', got {level!r}")

    def frames_of(self, index: int) -> np.ndarray:
        """(T, C) frame scores of recording ``index``."""
        return self.frame_scores[self.frame_recording == index]


def load_predictions(path: str) -> RunPredictions:
    """Read a ``DumpResults`` pickle (see the module docstring).

    Raises:
        FileNotFoundError: no such file.
        ValueError: a recording appears twice; KeyError: a sample lacks a score or label
            field (the message names the recording and the file).
    """
    from mmengine.fileio import load
    if not osp.isfile(path):
        raise FileNotFoundError(f'no test predictions at {path} (write them with '
                                'tools/test.py --dump FILE)')
    samples = load(path)
    rows = {}
    for sample in samples:
        name, arrays = sample_arrays(sample, FIELDS, 'load_predictions', f' in {path}')
        if name in rows:
            raise ValueError(f'{path}: recording {name!r} appears twice')
        if all(key in sample for key in VIEW_FIELDS):
            arrays.update(sample_arrays(sample, VIEW_FIELDS, 'load_predictions')[1])
        rows[name] = arrays
    ids = sorted(rows)
    ordered = [rows[name] for name in ids]
    lengths = [r['frame_label'].shape[0] for r in ordered]
    has_views = all('human_mask' in r for r in ordered)
    return RunPredictions(
        ids=ids,
        seq_scores=np.stack([r['pred_score'] for r in ordered]),
        seq_labels=np.stack([r['gt_label'] for r in ordered]).astype(np.int64),
        frame_scores=np.concatenate([r['pred_frame_score'] for r in ordered]),
        frame_labels=np.concatenate([r['frame_label'] for r in ordered]).astype(np.int64),
        frame_recording=np.repeat(np.arange(len(ids)), lengths),
        view_scores=[r['pred_view_frame_score'] for r in ordered] if has_views else [],
        human_masks=[r['human_mask'].astype(bool) for r in ordered] if has_views else [],
        source=path, feature_gaps=_feature_gaps_beside(path, ids))


def _feature_gaps_beside(path: str, ids: List[str]) -> Optional[dict]:
    from .feature_gaps import FEATURE_GAPS_FILE, read_feature_gaps
    gaps_file = osp.join(osp.dirname(path), FEATURE_GAPS_FILE)
    if not osp.isfile(gaps_file):
        return None
    gaps = read_feature_gaps(gaps_file)
    if sorted(gaps) != ids:
        raise ValueError(f'{gaps_file} and {path} hold different recordings')
    return gaps
