"""Transformer building blocks shared by the fusion backbones.

* :class:`TransformerEncoder`: a stack of ``torch.nn.TransformerEncoderLayer`` (batch first)
  with an optional final LayerNorm; used over time (Eq. 4) and over the views of one frame.
* :class:`TemporalEncoder`: the per-view temporal encoder of Eq. 4: an optional learnable CLS
  token, an optional fixed sine time embedding (the same ``sine_positional_encoding`` the
  cross-modal attention uses, CLS at position 0), dropout, then a pre-norm
  :class:`TransformerEncoder` with a final LayerNorm (the layout of the authors' MultiTSF and
  MultiASL temporal Transformers).

Shapes: N sequences (B*V or B*T), L tokens, D dim.
"""
from typing import Optional

import torch
import torch.nn as nn

from ..cross_modal.functional import sine_positional_encoding


class TransformerEncoder(nn.Module):
    """Stack of ``nn.TransformerEncoderLayer(batch_first=True)``.

    Args:
        dim: token size D.
        num_layers: number of layers.
        num_heads: attention heads; must divide ``dim``.
        ffn_dim: hidden size of the feed-forward block.
        dropout: dropout inside the layers.
        norm_first: pre-norm (True) or post-norm (False) layers.
        activation: ``'gelu'`` or ``'relu'``.
        final_norm: LayerNorm on the output (the usual closing of a pre-norm stack).
    """

    def __init__(self, dim: int, num_layers: int, num_heads: int, ffn_dim: int,
                 dropout: float = 0.1, norm_first: bool = True, activation: str = 'gelu',
                 final_norm: bool = True):
        super().__init__()
        if num_layers < 1:
            raise ValueError(f'TransformerEncoder needs num_layers >= 1; got {num_layers}')
        if dim % num_heads != 0:
            raise ValueError(f'TransformerEncoder: num_heads={num_heads} must divide dim={dim}')
        self.layers = nn.ModuleList(
            nn.TransformerEncoderLayer(dim, num_heads, dim_feedforward=ffn_dim, dropout=dropout,
                                       activation=activation, batch_first=True,
                                       norm_first=norm_first)
            for _ in range(num_layers))
        self.norm = nn.LayerNorm(dim) if final_norm else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, L, D) -> (N, L, D)."""
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)


class TemporalEncoder(nn.Module):
    """Per-sequence temporal Transformer (Eq. 4) with optional CLS token and time embedding.

    Args:
        dim: token size D (even when ``time_embedding`` is on).
        num_layers: Transformer layers.
        num_heads: attention heads; must divide ``dim``.
        ffn_dim: feed-forward hidden size; ``4 * dim`` when None (the authors' ratio).
        dropout: dropout after the time embedding and inside the layers.
        cls_token: prepend a learnable CLS token (output position 0).
        time_embedding: add the fixed sine embedding of positions ``0 .. L-1`` (CLS included).
    """

    def __init__(self, dim: int, num_layers: int, num_heads: int, ffn_dim: Optional[int] = None,
                 dropout: float = 0.1, cls_token: bool = True, time_embedding: bool = True):
        super().__init__()
        if time_embedding and dim % 2 != 0:
            raise ValueError(f'TemporalEncoder: the sine time embedding needs an even dim; '
                             f'got {dim}')
        self.time_embedding = time_embedding
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim)) if cls_token else None
        if self.cls_token is not None:
            nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.dropout = nn.Dropout(dropout)
        self.encoder = TransformerEncoder(dim, num_layers, num_heads,
                                          ffn_dim if ffn_dim is not None else 4 * dim,
                                          dropout=dropout, norm_first=True,
                                          activation='gelu', final_norm=True)

    @property
    def num_prefix_tokens(self) -> int:
        """1 when a CLS token is prepended, else 0."""
        return 0 if self.cls_token is None else 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, T, D) -> (N, P + T, D), P = :attr:`num_prefix_tokens` (CLS first)."""
        if self.cls_token is not None:
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        if self.time_embedding:
            x = x + sine_positional_encoding(x.shape[1], x.shape[2]).to(x)
        return self.encoder(self.dropout(x))
