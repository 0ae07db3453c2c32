"""View-aware consistency loss (Eq. 9-10)."""
from typing import Dict, Optional

import torch
from mmaction.registry import MODELS
from torch import nn

from .functional import view_consistency, view_consistency_stats


@MODELS.register_module()
class ViewConsistencyLoss(nn.Module):
    """Confidence-weighted divergence between the views' frame predictions where both views see
    a person (Eq. 10).

    Args:
        use_confidence: weight by the product of the two views' maximum class probabilities.
        use_mask: count only frames where the human masks of both views are set.
        divergence: ``'js'`` (Eq. 9) or ``'kl'`` (ablation).
        loss_weight: factor on the loss.
        detach_weight: no gradient through w (default; the paper does not say which).
    """

    def __init__(self, use_confidence: bool = True, use_mask: bool = True,
                 divergence: str = 'js', loss_weight: float = 1.0,
                 detach_weight: bool = True) -> None:
        super().__init__()
        if divergence not in ('js', 'kl'):
            raise ValueError(f"ViewConsistencyLoss: divergence must be 'js' or 'kl', got "
                             f'{divergence!r}')
        self.use_confidence = use_confidence
        self.use_mask = use_mask
        self.divergence = divergence
        self.loss_weight = loss_weight
        self.detach_weight = detach_weight

    def forward(self, view_frame_logits: torch.Tensor,
                human_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """view_frame_logits (B, V, T, C), human_mask (B, V, T) bool -> scalar.

        The per-view class distributions are the softmax of the logits over C.
        """
        probs = view_frame_logits.softmax(dim=-1)
        return self.loss_weight * view_consistency(probs, human_mask, self.use_confidence,
                                                   self.use_mask, self.divergence,
                                                   self.detach_weight)

    def stats(self, view_frame_logits: torch.Tensor,
              human_mask: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """``covisible``, ``weight`` (mean w) and ``js`` of :func:`view_consistency_stats`,
        for logging; the masks count only when ``use_mask`` is set."""
        return view_consistency_stats(view_frame_logits.detach().softmax(dim=-1),
                                      human_mask if self.use_mask else None)
