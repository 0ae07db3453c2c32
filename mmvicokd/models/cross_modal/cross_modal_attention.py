"""Cross-modal attention: visual queries attend to audio keys/values over time (Eq. 2–3)."""
from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS
from torch import nn

from .functional import sine_positional_encoding


@MODELS.register_module()
class CrossModalAttention(nn.Module):
    """``F_attn = CrossAttn(Q=F_V, K=V=F_A)`` (Eq. 2) and ``F_AV = F_V + F_attn`` (Eq. 3).

    Positional encodings are added to both streams before the attention, as in the paper
    ("temporal and spatial ordering"): a fixed sine encoding of the time step, shared by both
    modalities, and a learned embedding of the view (sensor) index. Attention runs over time
    within each view: ``(B, V, T, D)`` is reshaped to ``(B·V, T, D)``. The residual adds the
    original visual features, without positional encodings. For the student, ``audio`` is the
    adapter's pseudo-audio (Eq. 6).

    Args:
        dim: feature size D of both streams.
        num_heads: attention heads; must divide ``dim``.
        max_len: largest number of time steps T supported by the time encoding.
        num_views: largest number of views V supported by the view embedding.
        time_window: None (the paper's Eq. 2: every frame attends to every audio step of
            its view), or w >= 0: frame t attends only to audio steps s with |t - s| <= w
            (local cross-modal attention; w = 0 reads the same frame's sound only).
    """

    def __init__(self, dim: int, num_heads: int = 4, max_len: int = 512, num_views: int = 5,
                 time_window: Optional[int] = None):
        super().__init__()
        if time_window is not None and time_window < 0:
            raise ValueError(f'CrossModalAttention: time_window must be None or >= 0, got '
                             f'{time_window}')
        self.time_window = time_window
        if dim % num_heads != 0:
            raise ValueError(f'CrossModalAttention: dim {dim} is not divisible by '
                             f'num_heads {num_heads}')
        self.dim = dim
        self.max_len = max_len
        self.num_views = num_views
        self.register_buffer('time_encoding', sine_positional_encoding(max_len, dim),
                             persistent=False)
        self.view_embedding = nn.Parameter(torch.zeros(num_views, dim))
        nn.init.trunc_normal_(self.view_embedding, std=0.02)
        self.attn = nn.MultiheadAttention(dim, num_heads, batch_first=True)

    def positional_encoding(self, num_views: int, num_frames: int) -> torch.Tensor:
        """Sum of the view embedding and the time encoding, shape ``(V, T, D)``."""
        return (self.view_embedding[:num_views, None, :]
                + self.time_encoding[None, :num_frames, :])

    def forward(self, visual: torch.Tensor,
                audio: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Attend from visual to audio features.

        Args:
            visual: ``F_V`` of shape ``(B, V, T, D)`` (queries).
            audio: ``F_A`` (teacher) or ``F̂_A`` (student) of shape ``(B, V, T, D)``
                (keys and values).

        Returns:
            ``(attn, av)``: ``F_attn`` and ``F_AV = F_V + F_attn``, both ``(B, V, T, D)``.
        """
        if visual.dim() != 4 or visual.shape != audio.shape or visual.shape[-1] != self.dim:
            raise ValueError(
                f'CrossModalAttention expects visual and audio of one shape '
                f'(B, V, T, {self.dim}), got {tuple(visual.shape)} and {tuple(audio.shape)}')
        b, v, t, d = visual.shape
        if v > self.num_views:
            raise ValueError(f'CrossModalAttention was built for at most {self.num_views} views, '
                             f'got {v}')
        if t > self.max_len:
            raise ValueError(f'CrossModalAttention was built for at most {self.max_len} time '
                             f'steps (max_len), got {t}')
        pos = self.positional_encoding(v, t).to(visual.dtype)
        query = (visual + pos).reshape(b * v, t, d)
        key = (audio + pos).reshape(b * v, t, d)
        mask = None
        if self.time_window is not None:
            steps = torch.arange(t, device=visual.device)
            mask = (steps[:, None] - steps[None, :]).abs() > self.time_window  # True: blocked
        attn, _ = self.attn(query, key, key, attn_mask=mask, need_weights=False)
        attn = attn.reshape(b, v, t, d)
        return attn, visual + attn
