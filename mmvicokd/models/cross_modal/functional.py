"""Plain tensor maths for the cross-modal fusion modules."""
import math

import torch


def sine_positional_encoding(length: int, dim: int) -> torch.Tensor:
    """Fixed sinusoidal encoding of positions ``0 .. length-1`` (Vaswani et al., 2017).

    ``pe[t, 2i] = sin(t / 10000^(2i/dim))`` and ``pe[t, 2i+1] = cos(t / 10000^(2i/dim))``.

    Args:
        length: number of positions.
        dim: encoding size; must be even.

    Returns:
        Tensor of shape ``(length, dim)``, float32.
    """
    if dim % 2 != 0:
        raise ValueError(f'sine positional encoding needs an even dim, got {dim}')
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    inv_freq = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    pe = torch.zeros(length, dim)
    pe[:, 0::2] = torch.sin(position * inv_freq)
    pe[:, 1::2] = torch.cos(position * inv_freq)
    return pe
