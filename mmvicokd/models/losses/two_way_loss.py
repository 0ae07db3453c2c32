"""Two-way multi-label classification loss (Eq. 5)."""
import torch
from mmaction.registry import MODELS
from torch import nn

from .functional import two_way_loss


@MODELS.register_module()
class TwoWayLoss(nn.Module):
    """Two-way loss (Kobayashi, CVPR 2023), used for L_F and L_S of Eq. 5.

    Args:
        Tp: temperature of the positives.
        Tn: temperature of the negatives.
        loss_weight: factor on the loss.
    """

    def __init__(self, Tp: float = 4.0, Tn: float = 1.0, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.Tp = Tp
        self.Tn = Tn
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """logits (N, C), targets (N, C) multi-hot -> scalar."""
        return self.loss_weight * two_way_loss(logits, targets, self.Tp, self.Tn)
