"""Why a state dict does not load strictly into a module: one readable line per kind of
mismatch, for errors that name the file (encoder weights, teacher and recognizer checkpoints)."""
from typing import Dict, List

import torch
from torch import nn


def first_few(items: List[str], limit: int = 5) -> str:
    more = f' ... ({len(items)} in all)' if len(items) > limit else ''
    return ', '.join(items[:limit]) + more


def state_dict_mismatches(module: nn.Module, state_dict: Dict[str, torch.Tensor]) -> List[str]:
    """What stops ``module.load_state_dict(state_dict, strict=True)``, one line per kind.

    Returns:
        Up to three strings (missing keys, unexpected keys, shape mismatches), each listing a
        few offending keys; empty when the state dict fits exactly.
    """
    own = module.state_dict()
    missing = sorted(set(own) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(own))
    mismatched = sorted(f'{k} (checkpoint {tuple(state_dict[k].shape)}, model '
                        f'{tuple(own[k].shape)})'
                        for k in set(own) & set(state_dict)
                        if own[k].shape != state_dict[k].shape)
    return [f'{name}: {first_few(items)}' for name, items in (
        ('missing keys', missing), ('unexpected keys', unexpected),
        ('shape mismatches', mismatched)) if items]
