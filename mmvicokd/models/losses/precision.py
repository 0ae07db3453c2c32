"""Losses in float32 under mixed precision.

Under ``--amp`` (MMEngine's ``AmpOptimWrapper``: ``torch.autocast`` in bfloat16 or float16)
the networks run in low precision, but every loss of this package (Eq. 5's Two-way loss with
its log-sum-exps, Eq. 7's squared norms summed over D, Eq. 8-10's logs of probabilities,
MultiASL's generalised cross-entropy) is computed in float32 with autocast off, as is usual:
bfloat16 keeps 8 bits of mantissa, so a squared norm summed over 384 channels, or a log of a
probability near 0 or 1, loses most of its digits, and a sum of such terms can overflow to inf
(and inf - inf to NaN).
"""
from typing import Any, Dict

import torch


def float32_outputs(outputs: Dict[str, Any]) -> Dict[str, Any]:
    """``outputs`` with every floating-point tensor cast to float32 (others unchanged).

    Args:
        outputs: a recognizer's ``extract_feat`` dict, e.g. ``visual`` (B, V, T, D),
            ``frame_logits`` (B, T, C), ``topk_indices`` (B, k, C) int64.
    """
    return {name: value.float() if torch.is_tensor(value) and value.is_floating_point()
            else value for name, value in outputs.items()}


def full_precision(device: torch.device) -> torch.autocast:
    """A context with autocast switched off on ``device``'s type, for computing losses."""
    return torch.autocast(device_type=device.type, enabled=False)
