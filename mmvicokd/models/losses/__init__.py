"""Losses: Two-way classification loss and the distillation/consistency losses (Eq. 5, 7-10),
and the per-view frame loss (ours)."""
from .feature_distill_loss import FeatureDistillLoss
from .logit_distill_loss import LogitDistillLoss
from .two_way_loss import TwoWayLoss
from .view_consistency_loss import ViewConsistencyLoss
from .view_frame_loss import ViewFrameLoss

__all__ = ['TwoWayLoss', 'FeatureDistillLoss', 'LogitDistillLoss', 'ViewConsistencyLoss',
           'ViewFrameLoss']
