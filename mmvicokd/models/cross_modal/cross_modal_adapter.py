"""Cross-modal adapter: pseudo-audio features from visual features (paper Eq. 6)."""
from typing import Optional

import torch
from mmaction.registry import MODELS
from torch import nn


@MODELS.register_module()
class CrossModalAdapter(nn.Module):
    """``F̂_A = A_ψ(F_V)``: Linear(dim, hidden_dim) – ReLU – Linear(hidden_dim, dim) (Eq. 6).

    The student has no audio; the adapter synthesises pseudo-audio features that take the
    audio's place as keys and values of :class:`CrossModalAttention`.

    Args:
        dim: feature size D of the visual (and pseudo-audio) features.
        hidden_dim: width of the hidden layer (``None``: ``dim``).
    """

    def __init__(self, dim: int, hidden_dim: Optional[int] = None):
        super().__init__()
        hidden_dim = dim if hidden_dim is None else hidden_dim
        self.dim = dim
        self.net = nn.Sequential(nn.Linear(dim, hidden_dim), nn.ReLU(inplace=True),
                                 nn.Linear(hidden_dim, dim))

    def forward(self, visual: torch.Tensor) -> torch.Tensor:
        """Map visual features ``(B, V, T, D)`` to pseudo-audio features ``(B, V, T, D)``."""
        if visual.shape[-1] != self.dim:
            raise ValueError(f'CrossModalAdapter expects features of size {self.dim}, '
                             f'got shape {tuple(visual.shape)}')
        return self.net(visual)
