"""Per-view readings on the frames each view sees, beside the fused output (Eq. 9-10's premise)."""
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from ..functional import per_class_average_precision
from ..view_readings import top1_hits, visible_view_rows
from .sample_fields import sample_arrays

_FIELDS = ('pred_view_frame_score', 'pred_frame_score', 'frame_label', 'human_mask')


@METRICS.register_module()
class ViewReadingMetric(BaseMetric):
    """How informative each view's own reading p_{i,t} is where the view sees a person.

    View-aware consistency (Eq. 9-10) compares, on frames where both views' human masks are set,
    the class distributions the views read on their own (``view_frame_logits``); it can only
    help when those readings mean something. Reported in percent, over every recording:

    * ``view_top1``: share of (view, labelled frame) pairs with the view's mask set whose
      top-1 class is a true class of the frame; ``view{v}_top1`` the same for view v (1-based);
    * ``view_frame_mAP``: frame-level macro mAP of the per-view scores over those pairs;
    * ``fused_top1``: share of labelled frames whose fused frame output's top-1 class is true;
    * ``view_visible``: share of (view, frame) pairs with the mask set.

    Needs on each data sample ``pred_view_frame_score`` (V, T, C), ``pred_frame_score`` (T, C),
    ``frame_label`` (T, C) and ``human_mask`` (V, T) (``LoadHumanMasks`` in the test pipeline).

    Args:
        collect_device: ``'cpu'`` or ``'gpu'``, where results are gathered across ranks.
        prefix: optional prefix of the metric names.
    """

    def __init__(self, collect_device: str = 'cpu', prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch: Any, data_samples: Sequence) -> None:
        """Keep each sample's per-view and fused scores, frame labels and mask."""
        for sample in data_samples:
            name, result = sample_arrays(
                sample, _FIELDS, 'ViewReadingMetric', ' (a test pipeline with LoadHumanMasks '
                'and a recognizer that sets pred_view_frame_score are needed)')
            views, frames, classes = result['pred_view_frame_score'].shape
            if result['pred_frame_score'].shape != (frames, classes) or \
                    result['frame_label'].shape != (frames, classes) or \
                    result['human_mask'].shape != (views, frames):
                shapes = {key: value.shape for key, value in result.items()}
                raise ValueError(f'ViewReadingMetric: data sample of recording {name!r} has '
                                 f'inconsistent shapes {shapes}')
            self.results.append(result)

    def compute_metrics(self, results: List[Dict[str, np.ndarray]]) -> Dict[str, float]:
        """``view_top1``, ``view{v}_top1``, ``view_frame_mAP``, ``fused_top1``, ``view_visible``."""
        views = {r['human_mask'].shape[0] for r in results}
        if len(views) != 1:
            raise ValueError(f'ViewReadingMetric: samples disagree on the number of views: '
                             f'{sorted(views)}')
        num_views = views.pop()
        per_view = np.zeros((num_views, 2), dtype=np.int64)  # hits, rows
        fused = np.zeros(2, dtype=np.int64)
        rows_scores, rows_labels, visible, pairs = [], [], 0, 0
        for r in results:
            mask = r['human_mask'] > 0.5
            for v in range(num_views):
                per_view[v] += top1_hits(r['pred_view_frame_score'][v][mask[v]],
                                         r['frame_label'][mask[v]])
            fused += top1_hits(r['pred_frame_score'], r['frame_label'])
            scores, labels = visible_view_rows(r['pred_view_frame_score'], r['frame_label'],
                                               mask)
            rows_scores.append(scores)
            rows_labels.append(labels)
            visible, pairs = visible + int(mask.sum()), pairs + mask.size
        share = lambda hits, rows: 100.0 * hits / rows if rows else float('nan')  # noqa: E731
        metrics = dict(view_top1=share(*per_view.sum(0)), fused_top1=share(*fused),
                       view_visible=100.0 * visible / max(pairs, 1))
        metrics.update({f'view{v + 1}_top1': share(*per_view[v]) for v in range(num_views)})
        ap, _ = per_class_average_precision(np.concatenate(rows_scores),
                                            np.concatenate(rows_labels))
        metrics['view_frame_mAP'] = (float(np.nanmean(ap)) * 100.0 if not np.isnan(ap).all()
                                     else float('nan'))
        return metrics
