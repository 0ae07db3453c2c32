"""MultiTrans fusion backbone (Yasuda et al., "Multi-view and Multi-modal Event Detection
Utilizing Transformer-based Multi-sensor Fusion", ICASSP 2022, arXiv 2202.09124), as used in
ViCoKD.

No public code exists; the paper describes a Transformer that combines the sensors' features
on the basis of their relationships, with learned sensor embeddings, under weak labels. Our
reading, all choices ours:

1. sensor embedding: a learned vector per view (V, D) added to F_AV (Eq. 3);
2. sensor fusion: a pre-norm Transformer over the V view tokens of each time step, so every
   view's token gathers what the other views see at that moment;
3. temporal modelling (Eq. 4): a pre-norm Transformer over time with the fixed sine time
   embedding, run on each view's fused sequence, giving F_Fusion (B, V, T, D); keeping one
   sequence per view keeps per-view frame scores for view-level losses;
4. heads: a shared linear frame classifier per view (``view_frame_logits``), max over views
   for ``frame_logits`` (an action counts when any sensor sees it); for ``seq_logits`` each
   view's F_Fusion is average-pooled over time and classified by the same linear classifier
   (the paper's §3.1: "temporal average pooling, then classification"), then max over views.
   Sharing the classifier keeps the frame head trained under sequence-only supervision, and
   since the classifier is linear, ``seq_logits = max_v mean_t view_frame_logits``.

No auxiliary loss: :meth:`MultiTrans.aux_losses` returns ``{}``.

Shapes: B batch, V views, T frames, D = ``in_dim``, C classes.
"""
from typing import Dict, Optional

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from .functional import check_fusion_input
from .layers import TemporalEncoder, TransformerEncoder


@MODELS.register_module()
class MultiTrans(BaseModule):
    """MultiTrans: sensor embeddings, attention across views per frame, then over time.

    Args:
        in_dim: feature size D of F_AV.
        num_classes: C.
        num_views: V (one learned sensor embedding each).
        num_view_layers: layers of the across-view Transformer.
        num_temporal_layers: layers of the temporal Transformer.
        num_heads: attention heads of both; must divide ``in_dim``.
        dropout: Transformer dropout.
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, in_dim: int, num_classes: int, num_views: int, num_view_layers: int = 1,
                 num_temporal_layers: int = 2, num_heads: int = 4, dropout: float = 0.1,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.in_dim = in_dim
        self.num_classes = num_classes
        self.num_views = num_views
        self.view_embed = nn.Parameter(torch.zeros(num_views, in_dim))
        nn.init.trunc_normal_(self.view_embed, std=0.02)
        self.view_fusion = TransformerEncoder(in_dim, num_view_layers, num_heads, 4 * in_dim,
                                              dropout=dropout)
        self.temporal = TemporalEncoder(in_dim, num_temporal_layers, num_heads,
                                        dropout=dropout, cls_token=False, time_embedding=True)
        self.frame_head = nn.Linear(in_dim, num_classes)

    def forward(self, av: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Fuse across views per frame, then over time per view, and score.

        Args:
            av: F_AV (Eq. 3), (B, V, T, D).

        Returns:
            dict with ``fusion`` (B, V, T, D): F_Fusion (Eq. 4); ``view_frame_logits``
            (B, V, T, C); ``frame_logits`` (B, T, C) = max over views of
            ``view_frame_logits``; ``seq_logits`` (B, C) = max over views of the classifier
            on each view's F_Fusion averaged over time.
        """
        check_fusion_input(av, self.in_dim, self.num_views, type(self).__name__)
        b, v, t, d = av.shape
        tokens = (av + self.view_embed[:, None]).transpose(1, 2).reshape(b * t, v, d)
        fused = self.view_fusion(tokens).reshape(b, t, v, d).transpose(1, 2)
        fusion = self.temporal(fused.reshape(b * v, t, d)).reshape(b, v, t, d)

        view_frame_logits = self.frame_head(fusion)
        frame_logits = view_frame_logits.amax(dim=1)
        seq_logits = self.frame_head(fusion.mean(dim=2)).amax(dim=1)
        return dict(fusion=fusion, view_frame_logits=view_frame_logits,
                    frame_logits=frame_logits, seq_logits=seq_logits)

    def aux_losses(self, outputs: Dict[str, torch.Tensor], gt_label: torch.Tensor,
                   frame_label: Optional[torch.Tensor] = None,
                   human_mask: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """MultiTrans has no auxiliary loss; returns ``{}``."""
        return {}
