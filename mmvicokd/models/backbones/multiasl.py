"""MultiASL fusion backbone (Nguyen et al., "Action Selection Learning for Multi-label
Multi-view Action Recognition", ACM MMAsia 2024, arXiv 2410.03302), as used in ViCoKD.

Read from the authors' public code (``thanhhff/MultiASL`` and its audio-visual version
``thanhhff/MMASL``, model ``CNN2D_Transformer`` and ``main_mm.py``), for facts only:

* per-view temporal Transformer: 1 pre-norm layer, 4 heads, FFN 4*D with GELU, dropout 0.1, a
  CLS token prepended, no positional or time embedding, final LayerNorm;
* sequence logits: Linear on the CLS outputs max-pooled over views (``fusion_type='max'``);
* class activation sequence (CAS): a 1x1 Conv1d (2D -> C) on the concatenation of the input
  features max-pooled over views ("rgb") and the temporal features max-pooled over views
  ("flow"); two actionness branches, sigmoid(1x1 Conv1d(D -> 1)) on each of the two;
* action selection: score = (softmax_C(CAS) + actionness_flow + actionness_rgb) / 3, top
  k = T // 8 frames per class along time, ``cas_top`` = mean CAS over them (B, C);
* pseudo-labels: a frame is positive when it is in the top-k of a class present in the
  sequence label; generalised cross-entropy (q = 0.7) of each actionness branch against them;
* training loss = TwoWay(seq logits) + TwoWay(cas_top) + GCE(flow) + GCE(rgb), all weighted 1.
  The authors *score* sequences with ``sigmoid(cas_top)`` at test time.

What we follow and what is ours:

* The recognizer adds the Two-way loss on ``seq_logits`` (``loss_seq``) and, under frame
  supervision, on ``frame_logits`` (``loss_frame``). This backbone's :meth:`MultiASL.aux_losses`
  adds the other three terms of the authors' sum: ``loss_cas`` = Two-way on ``cas_top``,
  ``loss_actionness_av`` and ``loss_actionness_fusion`` = GCE of the two actionness branches.
  Pseudo-labels always come from the top-k selection (also under frame supervision, where
  ``frame_label`` reaches the CAS through ``loss_frame``).
* Recording scores: the authors score recordings with ``sigmoid(cas_top)`` and never
  evaluate the CLS head. ``seq_score='cas_top'`` (the default) does the same: ``score_logits``
  = ``cas_top``, which the recognizer's ``predict_scores`` uses; ``seq_score='cls'`` scores
  with the CLS head (``score_logits`` = ``seq_logits``), ``seq_score='cas_max'`` with the
  CAS's maximum over time (a recording holds a class where one of its frames does: the frame
  scores' own pooling). Training is the same in every case.
* ``frame_logits`` is the CAS, and ``view_frame_logits`` the same CAS classifier applied to
  each view's own concatenation [F_AV_v, F_Fusion_v] (the per-view readings p_{i,t} that view
  consistency, Eq. 9-10, compares). How the CAS fuses the views is ``cas_fusion``:
  ``'feature_max'`` is the authors' and the default (the classifier on features max-pooled
  over views; the per-view readings then apply it to single-view features that none of the
  authors' losses shows it: see the next point), ``'view_mean'`` is ours: the CAS is
  computed per view and averaged over views, so ``frame_logits`` is the fusion of
  ``view_frame_logits`` and the frame and action-selection losses train every view's reading
  (each gets 1/V of the gradient). Measured on the demo set (``docs/per_view_readings.md``),
  ``'view_mean'`` makes the teacher's per-view readings informative (top-1 on the labelled
  frames a view sees 61.6-68.4 % against 32.8-51.5 %) but in the demo's final configuration
  cost the teacher 10.9 points of fused seq mAP and 17.1 of frame mAP (seed 0; over the
  earlier runs the seq mAP was within the seed noise): an action seen by one view only is
  averaged with four views that cannot see it. So the authors' fusion stays the default. A
  maximum over views (the authors' "max view fusion" of MultiTSF's frame head) trains only
  the strongest view per frame and class; it left the per-view readings where they were
  (52.3 / 46.8 / 43.5 %, three seeds) and cost 12.6 points of seq mAP on average, so it is
  not offered.
* What trains the per-view readings under the authors' fusion is ours and lives outside this
  backbone: the recognizer's ``view_frame_loss`` (``ViewFrameLoss``), the Two-way frame loss
  on ``view_frame_logits`` at the (view, frame) pairs whose human mask is set. It leaves the
  authors' fused outputs as they are computed (only the shared CAS classifier and the features
  below it get its gradient). It is not the paper's, so it is opt-in: only the configs named
  ``vfl`` set it (``configs/_base_/view_frame_loss.py``, weight 1). What it changes on the demo
  set, with encoders from scratch and pre-trained: ``docs/per_view_readings.md``.
* k = max(1, T // 8), so clips shorter than 8 frames still select one frame.
* Attention heads have size D / 4 (``nn.TransformerEncoderLayer``); the authors project to
  4 heads of 128 whatever D is.

Shapes: B batch, V views, T frames, D = ``in_dim``, C classes, k selected frames.
"""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from ..losses.functional import two_way_loss
from .functional import (check_fusion_input, generalized_ce, select_topk_frames, topk_count,
                         topk_pseudo_labels)
from .layers import TemporalEncoder

#: What can score a recording at test time (see the module docstring).
SEQ_SCORES = ('cas_top', 'cls', 'cas_max')
#: How the CAS fuses the views (see the module docstring).
CAS_FUSIONS = ('feature_max', 'view_mean')


@MODELS.register_module()
class MultiASL(BaseModule):
    """MultiASL: per-view temporal Transformer, class activation sequence, action selection.

    Args:
        in_dim: feature size D of F_AV.
        num_classes: C.
        num_views: V.
        num_temporal_layers: temporal Transformer layers (authors: 1).
        temporal_heads: its attention heads (authors: 4); must divide ``in_dim``.
        dropout: Transformer dropout (authors: 0.1).
        topk_divisor: k = max(1, T // topk_divisor) frames selected per class (authors: 8).
        gce_q: exponent of the generalised cross-entropy (authors: 0.7).
        seq_score: what scores a recording at test time: ``'cas_top'`` (authors), ``'cls'``
            (the CLS head) or ``'cas_max'`` (the CAS's maximum over time).
        cas_fusion: ``'feature_max'`` (authors: the CAS of features max-pooled over views) or
            ``'view_mean'`` (ours: per-view CAS, averaged over views).
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, in_dim: int, num_classes: int, num_views: int,
                 num_temporal_layers: int = 1, temporal_heads: int = 4, dropout: float = 0.1,
                 topk_divisor: int = 8, gce_q: float = 0.7, seq_score: str = 'cas_top',
                 cas_fusion: str = 'feature_max', init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if seq_score not in SEQ_SCORES:
            raise ValueError(f'MultiASL: seq_score must be one of {SEQ_SCORES}, got '
                             f'{seq_score!r}')
        if cas_fusion not in CAS_FUSIONS:
            raise ValueError(f'MultiASL: cas_fusion must be one of {CAS_FUSIONS}, got '
                             f'{cas_fusion!r}')
        self.cas_fusion = cas_fusion
        self.seq_score = seq_score
        self.in_dim = in_dim
        self.num_classes = num_classes
        self.num_views = num_views
        self.topk_divisor = topk_divisor
        self.gce_q = gce_q
        self.temporal = TemporalEncoder(in_dim, num_temporal_layers, temporal_heads,
                                        dropout=dropout, cls_token=True, time_embedding=False)
        self.seq_head = nn.Linear(in_dim, num_classes)
        self.cas_head = nn.Linear(2 * in_dim, num_classes)
        self.actionness_av = nn.Linear(in_dim, 1)
        self.actionness_fusion = nn.Linear(in_dim, 1)

    def forward(self, av: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Encode each view over time, build the CAS and select the top-k action frames.

        Args:
            av: F_AV (Eq. 3), (B, V, T, D).

        Returns:
            dict with ``fusion`` (B, V, T, D): per-view temporal features F_Fusion (Eq. 4);
            ``seq_logits`` (B, C); ``frame_logits`` (B, T, C): the CAS (with
            ``cas_fusion='view_mean'`` the mean over V of ``view_frame_logits``);
            ``view_frame_logits`` (B, V, T, C); ``actionness_av``, ``actionness_fusion`` (B, T): probabilities;
            ``cas_top`` (B, C); ``topk_indices`` (B, k, C), k = max(1, T // topk_divisor);
            ``score_logits`` (B, C): ``cas_top``, ``seq_logits`` or max over T of ``cas``
            (see ``seq_score``).
        """
        check_fusion_input(av, self.in_dim, self.num_views, type(self).__name__)
        b, v, t, d = av.shape
        tokens = self.temporal(av.reshape(b * v, t, d))
        cls = tokens[:, 0].reshape(b, v, d)
        fusion = tokens[:, 1:].reshape(b, v, t, d)

        seq_logits = self.seq_head(cls.amax(dim=1))

        av_max = av.amax(dim=1)
        fusion_max = fusion.amax(dim=1)
        view_frame_logits = self.cas_head(torch.cat([av, fusion], dim=-1))
        if self.cas_fusion == 'view_mean':
            cas = view_frame_logits.mean(dim=1)
        else:
            cas = self.cas_head(torch.cat([av_max, fusion_max], dim=-1))
        actionness_av = self.actionness_av(av_max).squeeze(-1).sigmoid()
        actionness_fusion = self.actionness_fusion(fusion_max).squeeze(-1).sigmoid()

        k = topk_count(t, self.topk_divisor)
        cas_top, topk_indices = select_topk_frames(cas, [actionness_fusion, actionness_av], k)
        return dict(fusion=fusion, view_frame_logits=view_frame_logits, frame_logits=cas,
                    seq_logits=seq_logits, actionness_av=actionness_av,
                    actionness_fusion=actionness_fusion, cas_top=cas_top,
                    topk_indices=topk_indices,
                    score_logits=dict(cas_top=cas_top, cls=seq_logits,
                                      cas_max=cas.amax(dim=1))[self.seq_score])

    def aux_losses(self, outputs: Dict[str, torch.Tensor], gt_label: torch.Tensor,
                   frame_label: Optional[torch.Tensor] = None,
                   human_mask: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """Action-selection losses of MultiASL (need only the sequence label).

        Args:
            outputs: the dict from :meth:`forward`.
            gt_label: (B, C) multi-hot sequence label.
            frame_label: (B, T, C) or None (unused; see the module docstring).
            human_mask: (B, V, T) or None (unused).

        Returns:
            ``loss_cas``: Two-way loss (Eq. 5's classification loss) on ``cas_top``;
            ``loss_actionness_av``, ``loss_actionness_fusion``: generalised cross-entropy of
            each actionness branch against the top-k pseudo-labels.
        """
        cas_top = outputs['cas_top']
        if gt_label.shape != cas_top.shape:
            raise ValueError(f'MultiASL: gt_label must be (B, C)={tuple(cas_top.shape)}; got '
                             f'{tuple(gt_label.shape)}')
        pseudo = topk_pseudo_labels(outputs['topk_indices'], gt_label,
                                    outputs['frame_logits'].shape[1])
        return dict(
            loss_cas=two_way_loss(cas_top, gt_label),
            loss_actionness_av=generalized_ce(outputs['actionness_av'], pseudo, self.gce_q),
            loss_actionness_fusion=generalized_ce(outputs['actionness_fusion'], pseudo,
                                                  self.gce_q))
