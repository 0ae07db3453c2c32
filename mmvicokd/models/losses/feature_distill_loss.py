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

    Reduction over the D channels: ``'sum'`` (the default) is Eq. 7 as written; ``'mean'``
    divides it by D. Every config of this repository sets ``'mean'``
    (``configs/_base_/distill_methods.py``), chosen by measurement: with all loss weights 1.0
    as in the paper, the sum grows with D and drowns the task losses (the demo's measurement:
    docs/design.md, "Paper -> this repo", row 1); at the paper's D = 384 the sum is 384x the
    mean (the real-size distiller's step in docs/pretrained_weights.md).

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
