"""Last-layer CLS attention of the timm ViT visual encoder (paper Fig. 4).

timm's ``Attention`` may run fused (``scaled_dot_product_attention``), which never forms the
attention matrix. A forward pre-hook on the last block's ``attn`` module therefore keeps its
input x (the block's normalised tokens, (N, L, D)) and the probabilities are recomputed from the
module's own layers: ``q, k = q_norm/k_norm(qkv(x))`` per head, ``A = softmax(q kᵀ · scale)``
(N, heads, L, L), exactly what the unfused path computes. The map of a frame is row 0 (the CLS
query) over the patch tokens, averaged over heads; a ViT without a class token gets the mean
attention each patch receives from all tokens instead. This is raw last-layer attention, not
attention rollout.
"""
from typing import Optional

import torch
from torch import nn


def attention_probs(q: torch.Tensor, k: torch.Tensor, scale: float) -> torch.Tensor:
    """``softmax(q kᵀ · scale)`` over keys: q, k (N, H, L, dh) → (N, H, L, L)."""
    return ((q * scale) @ k.transpose(-2, -1)).softmax(dim=-1)


def patch_attention(probs: torch.Tensor, num_prefix_tokens: int, has_cls: bool) -> torch.Tensor:
    """Attention on the P patch tokens (N, P), mean over heads, from (N, H, L, L) probabilities.

    With a class token: the CLS query's row (query 0); without: the mean over all queries.
    Prefix tokens (CLS, registers) are dropped from the keys.
    """
    rows = probs[:, :, 0] if has_cls else probs.mean(dim=2)
    return rows[..., num_prefix_tokens:].mean(dim=1)


class LastBlockAttention:
    """Context manager that records the last block's attention of a timm ``VisionTransformer``.

    Usage::

        with LastBlockAttention(vit) as probe:
            vit(frames)                  # frames (N, 3, H, W), normalised
        maps = probe.maps()              # (N, gh, gw), each row summing to 1 over patches
    """

    def __init__(self, vit: nn.Module):
        if not _has_attention(vit):
            raise TypeError(f'{type(vit).__name__} is not a timm VisionTransformer with '
                            '`blocks[-1].attn` (qkv, num_heads, scale); attention maps need one')
        self.vit, self.attn = vit, vit.blocks[-1].attn
        self._inputs: Optional[torch.Tensor] = None
        self._handle = None

    def _keep(self, module, args):
        self._inputs = args[0].detach()

    def __enter__(self) -> 'LastBlockAttention':
        self._handle = self.attn.register_forward_pre_hook(self._keep)
        return self

    def __exit__(self, *exc) -> None:
        self._handle.remove()

    def probabilities(self) -> torch.Tensor:
        """(N, H, L, L) attention probabilities of the last forward pass."""
        if self._inputs is None:
            raise RuntimeError('LastBlockAttention: no forward pass was recorded')
        attn, x = self.attn, self._inputs
        n, length, _ = x.shape
        head_dim = getattr(attn, 'head_dim', attn.qkv.out_features // (3 * attn.num_heads))
        qkv = attn.qkv(x).reshape(n, length, 3, attn.num_heads, head_dim).permute(2, 0, 3, 1, 4)
        q, k = qkv[0], qkv[1]
        q = attn.q_norm(q) if hasattr(attn, 'q_norm') else q
        k = attn.k_norm(k) if hasattr(attn, 'k_norm') else k
        return attention_probs(q, k, attn.scale)

    def maps(self) -> torch.Tensor:
        """(N, gh, gw) patch attention (see :func:`patch_attention`) on the patch grid."""
        prefix = int(getattr(self.vit, 'num_prefix_tokens', 1))
        has_cls = getattr(self.vit, 'cls_token', None) is not None
        flat = patch_attention(self.probabilities(), prefix, has_cls)
        grid_h, grid_w = self.vit.patch_embed.grid_size
        if flat.shape[1] != grid_h * grid_w:
            raise RuntimeError(f'LastBlockAttention: {flat.shape[1]} patch tokens do not fill '
                               f'the {grid_h}x{grid_w} patch grid')
        return flat.reshape(-1, grid_h, grid_w)


def _has_attention(vit: Optional[nn.Module]) -> bool:
    blocks = getattr(vit, 'blocks', None)
    try:
        attn = getattr(blocks[-1], 'attn', None) if blocks is not None and len(blocks) else None
    except TypeError:  # blocks that cannot be indexed
        return False
    return attn is not None and all(hasattr(attn, a) for a in ('qkv', 'num_heads', 'scale'))


def encoder_vit(encoder: nn.Module, where: str = '') -> nn.Module:
    """The timm ViT (``encoder.model``) of a visual encoder, whose attention maps are drawn.

    Attention maps need a ViT: ``TimmViTEncoder``, or ``TimmFrameEncoder`` with a ViT ``arch``
    (DINOv2, CLIP, DeiT, ... as timm builds them). A CNN (a timm ResNet or ConvNeXt, an
    mmaction backbone) has no attention to show.

    Raises:
        TypeError: the encoder holds no such ViT; the message names the encoder (its ``arch``
            or backbone type) and ``where`` (e.g. the config file).
    """
    vit = getattr(encoder, 'model', None)
    if _has_attention(vit):
        return vit
    kind = getattr(encoder, 'arch', None) or getattr(encoder, 'backbone_type', None)
    what = type(encoder).__name__ + (f'({kind!r})' if kind else '')
    raise TypeError(f'{where + ": " if where else ""}attention maps need a ViT visual encoder '
                    '(a timm VisionTransformer with blocks[-1].attn: TimmViTEncoder, or '
                    'TimmFrameEncoder with a ViT arch); this model\'s visual encoder is '
                    f'{what}, which has no attention layers to show')


@torch.no_grad()
def encoder_attention_maps(encoder: nn.Module, frames: torch.Tensor) -> torch.Tensor:
    """Attention maps of a ViT visual encoder (:func:`encoder_vit`) on normalised frames
    (N, 3, H, W) → (N, gh, gw)."""
    vit = encoder_vit(encoder)
    with LastBlockAttention(vit) as probe:
        encoder.encode_frames(frames)
    return probe.maps()
