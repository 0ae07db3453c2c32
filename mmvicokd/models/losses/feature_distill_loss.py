"""Feature distillation between teacher and student features (Eq. 7)."""
from typing import Dict, Sequence

import torch
from mmaction.registry import MODELS
from torch import nn

from .functional import feature_distill


def _pick(outputs: Dict[str, torch.Tensor], names: Sequence[str], who: str) -> dict:
    missing = [name for name in names if name not in outputs]
    if missing:
        raise KeyError(f'FeatureDistillLoss: {who} outputs lack {missing}; they have '
                       f'{sorted(outputs)}')
    return {name: outputs[name] for name in names}


@MODELS.register_module()
class FeatureDistillLoss(nn.Module):
    """Squared L2 distance of named features, per frame (Eq. 7).

    ``('attn', 'av')`` gives CoKD/ViCoKD, ``('visual', 'audio')`` ModalKD (audio against
    pseudo-audio), ``('fusion',)`` DualKD.

    Reduction over the D channels: ``'sum'`` (the default) is Eq. 7 as written, with all loss
    weights 1.0 as in the paper; the demo and the real-data configs use it. ``'mean'`` divides
    the value by D. Measured on the demo (D=48, README "Loss scales"): summed over D the term is
    about 20x the student's task losses, yet CoKD with ``'sum'`` scored 37.0 / 28.1 seq mAP
    (V_F / V_S) against 27.6 / 27.9 with ``'mean'``, so ``'sum'`` stays the default.

    Args:
        features: names of the recognizers' output features to align, each (B, V, T, D).
        reduction: ``'sum'`` over D (Eq. 7) or ``'mean'`` over D (1/D of ``'sum'``).
        loss_weight: factor on the loss.
    """

    def __init__(self, features: Sequence[str] = ('attn', 'av'), reduction: str = 'sum',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if isinstance(features, str) or not features:
            raise ValueError('FeatureDistillLoss: features must be a non-empty sequence of '
                             f'names, got {features!r}')
        if reduction not in ('sum', 'mean'):
            raise ValueError(f"FeatureDistillLoss: reduction must be 'sum' or 'mean', got "
                             f'{reduction!r}')
        self.features = tuple(features)
        self.reduction = reduction
        self.loss_weight = loss_weight

    def forward(self, student_outputs: Dict[str, torch.Tensor],
                teacher_outputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Outputs of ``extract_feat`` of student and teacher -> scalar."""
        student = _pick(student_outputs, self.features, 'student')
        teacher = _pick(teacher_outputs, self.features, 'teacher')
        return self.loss_weight * feature_distill(student, teacher, self.reduction)
