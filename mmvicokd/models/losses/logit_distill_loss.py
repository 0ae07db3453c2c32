"""Logit distillation on fused frame logits (Eq. 8)."""
from typing import Dict

import torch
from mmaction.registry import MODELS
from torch import nn

from .functional import logit_distill


@MODELS.register_module()
class LogitDistillLoss(nn.Module):
    """``tau^2 * KL(p_T || p_S)`` of temperature-scaled softmaxes, per frame (Eq. 8).

    Args:
        tau: temperature.
        key: the outputs' entry holding the (B, T, C) logits.
        loss_weight: factor on the loss.
    """

    def __init__(self, tau: float = 4.0, key: str = 'frame_logits',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.tau = tau
        self.key = key
        self.loss_weight = loss_weight

    def forward(self, student_outputs: Dict[str, torch.Tensor],
                teacher_outputs: Dict[str, torch.Tensor]) -> torch.Tensor:
        """Outputs of ``extract_feat`` of student and teacher -> scalar."""
        for who, outputs in (('student', student_outputs), ('teacher', teacher_outputs)):
            if self.key not in outputs:
                raise KeyError(f'LogitDistillLoss: {who} outputs lack {self.key!r}; they have '
                               f'{sorted(outputs)}')
        return self.loss_weight * logit_distill(student_outputs[self.key],
                                                teacher_outputs[self.key], self.tau)
