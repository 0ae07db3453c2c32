"""Sequence- and frame-level multi-label mAP (paper §4.1), and frame-level F1 at thresholds."""
from typing import Any, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from ..calibration import check_thresholds, f1_precision_recall
from ..functional import per_class_average_precision
from .sample_fields import sample_arrays

_FIELDS = ('pred_score', 'gt_label', 'pred_frame_score', 'frame_label')


@METRICS.register_module()
class MultiLabelMAP(BaseMetric):
    """Macro mAP over classes, at sequence level and at frame level.

    ``seq_mAP`` ranks the samples' sequence scores ``pred_score`` (C,) against ``gt_label``
    (C,); ``frame_mAP`` ranks every frame of every sample, ``pred_frame_score`` (T, C) against
    ``frame_label`` (T, C), all frames pooled. Both are reported in percent. A class without any
    positive at a level has no AP there: it is left out of that level's mean and the count is
    logged. Results of all DDP ranks are gathered by MMEngine before :meth:`compute_metrics`.

    With ``classwise`` the per-class sequence-level AP is reported too, as ``seq_AP/<class>``
    (class names from the data set's ``classes``; classes without a positive are omitted).

    With ``thresholds`` (a run calibrated by ``tools/calibrate.py``; ``tools/test.py`` sets
    them from the checkpoint), the frames are also decided (``score >= threshold``, per class)
    and ``frame_F1``, ``frame_precision`` and ``frame_recall`` are reported in percent: macro
    means over the classes with a positive frame, as ``frame_mAP``
    (:func:`mmvicokd.evaluation.calibration.f1_precision_recall`).

    Args:
        collect_device: ``'cpu'`` or ``'gpu'``, where results are gathered across ranks.
        prefix: optional prefix of the metric names.
        classwise: also report each class's sequence-level AP.
        thresholds: C per-class frame thresholds (``None``: never detected), or the path of a
            ``thresholds.json`` (:mod:`mmvicokd.evaluation.threshold_record`), whose classes
            must be the data set's.
    """

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None,
                 classwise: bool = False,
                 thresholds: Optional[Union[str, Sequence[Optional[float]]]] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.classwise = classwise
        self.thresholds = thresholds

    def process(self, data_batch: Any, data_samples: Sequence) -> None:
        """Keep the four score/label arrays of each data sample (a dict or a data sample)."""
        for sample in data_samples:
            name, result = sample_arrays(sample, _FIELDS, 'MultiLabelMAP')
            seq_ok = result['pred_score'].shape == result['gt_label'].shape and \
                result['gt_label'].ndim == 1
            frame_ok = result['pred_frame_score'].shape == result['frame_label'].shape and \
                result['frame_label'].ndim == 2 and \
                result['frame_label'].shape[1] == result['gt_label'].shape[0]
            if not (seq_ok and frame_ok):
                shapes = {key: value.shape for key, value in result.items()}
                raise ValueError(f'MultiLabelMAP: data sample of recording {name!r} has '
                                 f'inconsistent shapes {shapes}; expected pred_score and '
                                 'gt_label (C,), pred_frame_score and frame_label (T, C)')
            result['recording_id'] = name
            self.results.append(result)

    def _level_map(self, level: str, scores: np.ndarray, labels: np.ndarray,
                   out: Optional[Dict[str, float]] = None) -> float:
        ap, num_left_out = per_class_average_precision(scores, labels)
        if out is not None:
            classes = (self.dataset_meta or {}).get('classes') or [str(c) for c in
                                                                    range(ap.size)]
            out.update({f'seq_AP/{classes[c]}': float(ap[c]) * 100.0
                        for c in np.flatnonzero(~np.isnan(ap))})
        if num_left_out:
            left_out = np.flatnonzero(np.isnan(ap))
            classes = (self.dataset_meta or {}).get('classes')
            names = [classes[c] for c in left_out] if classes else left_out.tolist()
            print_log(f'MultiLabelMAP: {level}-level mAP leaves out {num_left_out} of '
                      f'{ap.size} classes with no positive among {labels.shape[0]} '
                      f'{level}s: {names}', logger='current')
        if num_left_out == ap.size:
            raise ValueError(f'MultiLabelMAP: {level}-level mAP is undefined, no class has a '
                             f'positive among the {labels.shape[0]} {level}s evaluated')
        return float(np.nanmean(ap)) * 100.0

    def compute_metrics(self, results: List[Dict[str, np.ndarray]]) -> Dict[str, float]:
        """Return ``seq_mAP`` and ``frame_mAP`` (and ``seq_AP/<class>``; with thresholds
        ``frame_F1``, ``frame_precision``, ``frame_recall``) in percent."""
        num_classes = {r['gt_label'].shape[0] for r in results}
        if len(num_classes) != 1:
            raise ValueError(f'MultiLabelMAP: samples disagree on the number of classes: '
                             f'{sorted(num_classes)}')
        seq_scores = np.stack([r['pred_score'] for r in results])
        seq_labels = np.stack([r['gt_label'] for r in results])
        frame_scores = np.concatenate([r['pred_frame_score'] for r in results])
        frame_labels = np.concatenate([r['frame_label'] for r in results])
        per_class: Dict[str, float] = {}
        metrics = dict(
            seq_mAP=self._level_map('sequence', seq_scores, seq_labels,
                                    per_class if self.classwise else None),
            frame_mAP=self._level_map('frame', frame_scores, frame_labels))
        if self.thresholds is not None:
            decided = f1_precision_recall(frame_scores, frame_labels,
                                          self._thresholds(num_classes.pop()))
            metrics.update({f'frame_{key}': decided[key] * 100.0
                            for key in ('F1', 'precision', 'recall')})
        metrics.update(per_class)
        return metrics

    def _thresholds(self, num_classes: int) -> np.ndarray:
        """(C,) thresholds from ``self.thresholds`` (a list, or a file checked against the
        data set's classes)."""
        values, where = self.thresholds, 'MultiLabelMAP thresholds'
        if isinstance(self.thresholds, str):
            from ..threshold_record import read_thresholds_file, record_thresholds
            record = read_thresholds_file(self.thresholds)
            classes = (self.dataset_meta or {}).get('classes')
            if classes:
                return record_thresholds(record, classes, self.thresholds)
            values, where = record['thresholds'], f'thresholds in {self.thresholds}'
        return check_thresholds(values, num_classes, where)
