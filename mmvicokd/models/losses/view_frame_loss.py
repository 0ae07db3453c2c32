"""Per-view frame loss on the views' own readings where they see a person (ours)."""
import torch
from mmaction.registry import MODELS

from .functional import visible_view_frame_loss
from .two_way_loss import TwoWayLoss


@MODELS.register_module()
class ViewFrameLoss(TwoWayLoss):
    """Two-way loss (Eq. 5's L_F) on ``view_frame_logits`` at the frames each view sees.

    Not in the paper: it trains the per-view readings p_{i,t} that view-aware consistency
    (Eq. 9-10) compares, which the authors' MultiASL never supervises (its CAS is trained on
    features max-pooled over views; ``docs/per_view_readings.md``). The fused outputs are left
    as they are; only the shared CAS classifier and the features below it see the extra
    gradient. See :func:`~mmvicokd.models.losses.functional.visible_view_frame_loss`.

    Args: those of :class:`TwoWayLoss` (``Tp``, ``Tn``, ``loss_weight``).
    """

    def forward(self, view_frame_logits: torch.Tensor, frame_label: torch.Tensor,
                human_mask: torch.Tensor) -> torch.Tensor:
        """view_frame_logits (B, V, T, C), frame_label (B, T, C), human_mask (B, V, T) bool
        -> scalar."""
        return self.loss_weight * visible_view_frame_loss(view_frame_logits, frame_label,
                                                          human_mask, self.Tp, self.Tn)
