"""AST-style audio encoder E_A on fbank windows (paper Eq. 1; Gong et al., 2021)."""
from functools import partial
from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS
from timm.layers import PatchEmbed
from timm.models.vision_transformer import VisionTransformer
from torch import nn

from .base_frame_encoder import BaseFrameEncoder


class OverlappingPatchEmbed(PatchEmbed):
    """timm's patch embedding with a stride of its own, so patches may overlap (as in AST).

    The number of patches per axis is ``(size - patch) // stride + 1``.
    """

    def __init__(self, *args, stride: Tuple[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.stride = tuple(stride)
        self.proj = nn.Conv2d(self.proj.in_channels, self.proj.out_channels,
                              kernel_size=self.patch_size, stride=self.stride,
                              bias=self.proj.bias is not None)
        self.grid_size = tuple((size - patch) // step + 1 for size, patch, step in zip(
            self.img_size, self.patch_size, self.stride))
        self.num_patches = self.grid_size[0] * self.grid_size[1]

    def feat_ratio(self, as_scalar: bool = True):
        """Downsampling factor of the patch grid (the stride)."""
        return max(self.stride) if as_scalar else self.stride


@MODELS.register_module()
class ASTEncoder(BaseFrameEncoder):
    """``F_A = E_A(A)``: an Audio Spectrogram Transformer applied to each frame's window (Eq. 1).

    Each window of ``Fa`` fbank frames × 128 mel bins is a one-channel "image" laid out as AST
    does, frequency × time ``(1, input_fdim, input_tdim)``; 16×16 patches are taken with
    strides ``(fstride, tstride)`` (AST's default 10 gives an overlap of 6), then a timm
    :class:`VisionTransformer` (CLS token, learned position embedding) pools them
    (``global_pool='token'``: the CLS token, ``'avg'``: the mean of the patch tokens). The
    weights are shared over views. Weights come only from the local ``checkpoint`` file, a
    state dict of the timm ``VisionTransformer`` (plain or inside an MMEngine checkpoint).

    Args:
        embed_dim: Transformer width.
        depth: number of Transformer blocks.
        num_heads: attention heads.
        patch_size: patch side.
        input_fdim: mel bins per window (128).
        input_tdim: fbank frames per window, ``Fa``.
        fstride: patch stride along frequency.
        tstride: patch stride along time.
        global_pool: ``'token'`` or ``'avg'``.
        out_dim: if given, a Linear layer projects the pooled feature to this size (e.g. the
            visual feature size); else the output size is ``embed_dim``.
        checkpoint: local weight file of the ViT, loaded strictly.
        frozen: freeze the encoder (no gradients, eval mode, ``no_grad`` forward).
        chunk_size: windows per forward call.
        with_cp: activation checkpointing per Transformer block (timm's
            ``set_grad_checkpointing``).

    Shapes: input ``(B, V, T, Fa, 128)`` (time × frequency), output ``(B, V, T, D)``.
    """

    def __init__(self, embed_dim: int, depth: int, num_heads: int, patch_size: int = 16,
                 input_fdim: int = 128, input_tdim: int = 40, fstride: int = 10,
                 tstride: int = 10, global_pool: str = 'token', out_dim: Optional[int] = None,
                 checkpoint: Optional[str] = None, frozen: bool = False,
                 chunk_size: int = 256, with_cp: bool = False):
        super().__init__(chunk_size=chunk_size, frozen=frozen, with_cp=with_cp)
        if global_pool not in ('token', 'avg'):
            raise ValueError(f"ASTEncoder global_pool must be 'token' or 'avg', "
                             f'got {global_pool!r}')
        for name, size in (('input_fdim', input_fdim), ('input_tdim', input_tdim)):
            if size < patch_size:
                raise ValueError(f'ASTEncoder {name}={size} is smaller than '
                                 f'patch_size={patch_size}')
        self.input_fdim = input_fdim
        self.input_tdim = input_tdim
        self.model = VisionTransformer(
            img_size=(input_fdim, input_tdim), patch_size=patch_size, in_chans=1, num_classes=0,
            global_pool=global_pool, embed_dim=embed_dim, depth=depth, num_heads=num_heads,
            embed_layer=partial(OverlappingPatchEmbed, stride=(fstride, tstride)))
        self.proj = nn.Linear(embed_dim, out_dim) if out_dim is not None else nn.Identity()
        self._out_dim = out_dim if out_dim is not None else embed_dim
        self._finish_init(checkpoint)

    @property
    def out_dim(self) -> int:
        """Feature size D: ``out_dim`` if given, else ``embed_dim``."""
        return self._out_dim

    @property
    def frame_shape(self) -> Tuple[int, ...]:
        """``(Fa, 128)``: one window, time × frequency."""
        return (self.input_tdim, self.input_fdim)

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, Fa, 128)`` windows → ``(N, D)`` features."""
        images = frames.transpose(1, 2).unsqueeze(1)  # (N, 1, 128, Fa): frequency × time
        return self.proj(self.model(images))
