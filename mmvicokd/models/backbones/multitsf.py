"""MultiTSF fusion backbone (Nguyen et al., "MultiSensor-Home: A Wide-area Multi-modal
Multi-view Dataset for Action Recognition and Transformer-based Sensor Fusion", FG 2025,
arXiv 2504.02287), as used in ViCoKD.

Read from the authors' public code (``thanhhff/MultiTSF``, model ``CNN2D_Transformer``), for
facts only:

* per-view temporal Transformer: pre-norm ViViT-style layers, 2 layers, FFN 4*D with GELU,
  a CLS token prepended, fixed sine time embedding over the T+1 positions, dropout 0.1 after
  it, final LayerNorm; its CLS output is not used by the heads;
* frame head: a 1x1 Conv1d on the per-view temporal features, then max over views;
* "device" (view) fusion: one post-norm ``nn.TransformerEncoderLayer`` (4 heads, FFN 256,
  ReLU, dropout 0.1), then mean over views and mean over time, then LayerNorm + Linear for the
  sequence logits;
* human-presence head: a 1x1 Conv1d to one channel on the per-frame *visual* features,
  trained against the per-view per-frame human-detection scores; total loss = sequence loss +
  frame loss + human loss, all weighted 1.

Choices that are ours:

* The authors feed the view-fusion layer a (B*T, V, D) tensor while the layer is not
  ``batch_first``, so their attention actually runs across the B*T axis; we implement what the
  paper and the design describe: attention across the V view tokens of each time step.
* The 1x1 convolutions are written as ``nn.Linear`` on the last axis (the same maths).
* The human head reads the backbone input F_AV (Eq. 3), the features closest to the authors'
  frame-wise visual features that this backbone sees, so its gradient reaches the encoders and
  the cross-modal attention as in the authors' design.
* The human loss is binary cross-entropy with logits against the boolean ``human_mask``
  (interfaces contract), averaged over B, V, T; the authors apply a softmax cross-entropy over
  time to the raw scores. It is computed only when ``human_mask`` is given.
* The temporal layers are ``torch.nn.TransformerEncoderLayer`` (no stochastic depth, which
  the authors' layers add with rate up to 0.1).

Shapes: B batch, V views, T frames, D = ``in_dim``, C classes.
"""
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from .functional import check_fusion_input
from .layers import TemporalEncoder, TransformerEncoder


@MODELS.register_module()
class MultiTSF(BaseModule):
    """MultiTSF: per-view temporal Transformer, view-fusion Transformer, human-presence head.

    Args:
        in_dim: feature size D of F_AV.
        num_classes: C.
        num_views: V.
        num_temporal_layers: layers of the per-view temporal Transformer (authors: 2).
        temporal_heads: its attention heads (authors: 12); must divide ``in_dim``.
        view_heads: heads of the view-fusion layer (authors: 4).
        view_ffn_dim: FFN size of the view-fusion layer (authors: 256).
        dropout: dropout of all Transformer parts (authors: 0.1).
        human_loss_weight: weight of ``loss_human`` (paper: all weights 1.0).
        init_cfg: MMEngine initialisation config.
    """

    def __init__(self, in_dim: int, num_classes: int, num_views: int,
                 num_temporal_layers: int = 2, temporal_heads: int = 12, view_heads: int = 4,
                 view_ffn_dim: int = 256, dropout: float = 0.1, human_loss_weight: float = 1.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.in_dim = in_dim
        self.num_classes = num_classes
        self.num_views = num_views
        self.human_loss_weight = human_loss_weight
        self.temporal = TemporalEncoder(in_dim, num_temporal_layers, temporal_heads,
                                        dropout=dropout, cls_token=True, time_embedding=True)
        self.view_fusion = TransformerEncoder(in_dim, 1, view_heads, view_ffn_dim,
                                              dropout=dropout, norm_first=False,
                                              activation='relu', final_norm=False)
        self.frame_head = nn.Linear(in_dim, num_classes)
        self.seq_head = nn.Sequential(nn.LayerNorm(in_dim), nn.Linear(in_dim, num_classes))
        self.human_head = nn.Linear(in_dim, 1)

    def forward(self, av: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Fuse the views and score frames and the sequence.

        Args:
            av: F_AV (Eq. 3), (B, V, T, D).

        Returns:
            dict with ``fusion`` (B, V, T, D): per-view temporal features F_Fusion (Eq. 4);
            ``view_frame_logits`` (B, V, T, C); ``frame_logits`` (B, T, C): max over views of
            ``view_frame_logits``; ``seq_logits`` (B, C); ``human_logits`` (B, V, T): logits of
            a person being visible in each view and frame.
        """
        check_fusion_input(av, self.in_dim, self.num_views, type(self).__name__)
        b, v, t, d = av.shape
        tokens = self.temporal(av.reshape(b * v, t, d))
        fusion = tokens[:, self.temporal.num_prefix_tokens:].reshape(b, v, t, d)

        view_frame_logits = self.frame_head(fusion)
        frame_logits = view_frame_logits.amax(dim=1)

        per_step = fusion.transpose(1, 2).reshape(b * t, v, d)
        frame_features = self.view_fusion(per_step).reshape(b, t, v, d).mean(dim=2)
        seq_logits = self.seq_head(frame_features.mean(dim=1))

        human_logits = self.human_head(av).squeeze(-1)
        return dict(fusion=fusion, view_frame_logits=view_frame_logits,
                    frame_logits=frame_logits, seq_logits=seq_logits,
                    human_logits=human_logits)

    def aux_losses(self, outputs: Dict[str, torch.Tensor], gt_label: torch.Tensor,
                   frame_label: Optional[torch.Tensor] = None,
                   human_mask: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """Human-presence loss; empty without ``human_mask``.

        Args:
            outputs: the dict from :meth:`forward`.
            gt_label: (B, C) multi-hot sequence label (unused here).
            frame_label: (B, T, C) or None (unused here).
            human_mask: (B, V, T) bool, a person visible in view v at frame t; or None.

        Returns:
            ``{'loss_human': weight * BCE-with-logits(human_logits, human_mask)}``, or ``{}``.
        """
        if human_mask is None:
            return {}
        human_logits = outputs['human_logits']
        if human_mask.shape != human_logits.shape:
            raise ValueError(f'MultiTSF: human_mask must be (B, V, T)='
                             f'{tuple(human_logits.shape)}; got {tuple(human_mask.shape)}')
        loss = F.binary_cross_entropy_with_logits(human_logits,
                                                  human_mask.to(human_logits.dtype))
        return dict(loss_human=self.human_loss_weight * loss)
