"""AST-style audio encoder E_A on fbank windows (paper Eq. 1; Gong et al., 2021)."""
from functools import partial
from typing import Optional, Tuple

import torch
from mmaction.registry import MODELS
from timm.layers import PatchEmbed
from timm.models.deit import VisionTransformerDistilled
from timm.models.vision_transformer import VisionTransformer
from torch import nn

from .ast_checkpoint import (AST_MEL_BINS, adapt_ast_pos_embed, ast_freq_rows, ast_to_timm,
                             checkpoint_grid)
from .base_frame_encoder import BaseFrameEncoder
from .weight_files import load_local_state_dict, load_strict

#: How the log and errors name each checkpoint layout :func:`ast_to_timm` recognises.
AST_FORMATS = {'ast-original': "AST repository .pth ('module.v.*')",
               'hf-hub': "Hugging Face hub AST ('encoder.layer.N.*')",
               'hf-v5': "transformers 5 AST ('layers.N.*')",
               'timm': 'timm state dict'}


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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(N, C, F, T)`` spectrogram windows -> ``(N, P, D)`` patch embeddings.

        On the CPU under autocast the projection runs in float32: torch 2.9.1's bfloat16 CPU
        convolution whose output is one patch wide (a window exactly as long as a patch) reads
        uninitialised memory, so its output changed with the process's heap (NaN losses in a
        bf16 training step after unrelated tests; with ``MALLOC_PERTURB_=165`` a
        ``Conv2d(1, 16, 16, stride=16)`` on a ``(48, 1, 128, 16)`` input summed to -1e19).
        """
        if x.device.type == 'cpu' and torch.is_autocast_enabled('cpu'):
            with torch.autocast('cpu', enabled=False):
                return super().forward(x.float())
        return super().forward(x)

    def feat_ratio(self, as_scalar: bool = True):
        """Downsampling factor of the patch grid (the stride)."""
        return max(self.stride) if as_scalar else self.stride


@MODELS.register_module()
class ASTEncoder(BaseFrameEncoder):
    """``F_A = E_A(A)``: an Audio Spectrogram Transformer applied to each frame's window (Eq. 1).

    Each window of ``Fa`` fbank frames × 128 mel bins is a one-channel "image" laid out as AST
    does, frequency × time ``(1, input_fdim, input_tdim)``; 16×16 patches are taken with
    strides ``(fstride, tstride)`` (AST's 10 gives an overlap of 6) and a timm Vision
    Transformer encodes them. With ``dist_token`` (AST's own layout, timm's
    ``VisionTransformerDistilled``) a CLS and a distillation token are prepended and the
    feature is their mean after the final LayerNorm, as AST pools; without it, one CLS token
    (``global_pool='token'``) or the mean of the patch tokens (``'avg'``). The weights are
    shared over views; ``out_dim`` adds a Linear projection (ours, trained from scratch), e.g.
    from AST-base's 768 to the visual width D_v = 384, so that the cross-modal attention, the
    adapter's pseudo-audio and feature distillation all work at one width (the recognizer sets
    it to its visual encoder's width when a config leaves it out).

    AST-base (``audioset_10_10_0.4593``) is ``embed_dim=768, depth=12, num_heads=12,
    mlp_ratio=4``, patch 16, strides 10, ``dist_token=True``. Its weights load from a local
    ``checkpoint`` in any of the forms :mod:`~mmvicokd.models.encoders.ast_checkpoint` reads
    (the hub's ``model.safetensors``/``pytorch_model.bin`` or download folder, the original
    repository's ``.pth``, or our own timm state dict); classifier heads are dropped, and a
    position table made for another window (AST's: 12 × 101 patches for 1024 frames) is cut
    around its centre or interpolated as AST's own code does.

    Args:
        embed_dim: Transformer width.
        depth: number of Transformer blocks.
        num_heads: attention heads.
        mlp_ratio: hidden width of each block's MLP over ``embed_dim`` (AST: 4).
        patch_size: patch side.
        input_fdim: mel bins per window (128).
        input_tdim: fbank frames per window, ``Fa``.
        fstride: patch stride along frequency.
        tstride: patch stride along time.
        dist_token: AST's distillation token (two prefix tokens, pooled as their mean).
        global_pool: without ``dist_token``: ``'token'`` or ``'avg'``; with it only
            ``'token'`` (the two tokens' mean).
        norm_eps: LayerNorm epsilon (1e-6 as AST's timm blocks; the hub port says 1e-12).
        out_dim: output size; when it differs from ``embed_dim`` a Linear layer projects the
            pooled feature to it (None: ``embed_dim``, no projection).
        checkpoint: local weight file or hub download folder, loaded strictly.
        frozen: freeze the encoder (no gradients, eval mode, ``no_grad`` forward).
        chunk_size: windows per forward call.
        with_cp: activation checkpointing per Transformer block (timm's
            ``set_grad_checkpointing``).

    Shapes: input ``(B, V, T, Fa, 128)`` (time × frequency), output ``(B, V, T, D)``.
    """

    def __init__(self, embed_dim: int, depth: int, num_heads: int, mlp_ratio: float = 4.0,
                 patch_size: int = 16, input_fdim: int = 128, input_tdim: int = 40,
                 fstride: int = 10, tstride: int = 10, dist_token: bool = True,
                 global_pool: str = 'token', norm_eps: float = 1e-6,
                 out_dim: Optional[int] = None, checkpoint: Optional[str] = None,
                 frozen: bool = False, chunk_size: int = 256, with_cp: bool = False):
        super().__init__(chunk_size=chunk_size, frozen=frozen, with_cp=with_cp)
        if global_pool not in ('token', 'avg') or (dist_token and global_pool != 'token'):
            raise ValueError(f"ASTEncoder global_pool must be 'token' (or 'avg' without "
                             f"dist_token), got {global_pool!r} with dist_token={dist_token}")
        for name, size in (('input_fdim', input_fdim), ('input_tdim', input_tdim)):
            if size < patch_size:
                raise ValueError(f'ASTEncoder {name}={size} is smaller than '
                                 f'patch_size={patch_size}')
        self.input_fdim = input_fdim
        self.input_tdim = input_tdim
        self.patch_size, self.fstride = patch_size, fstride
        network = VisionTransformerDistilled if dist_token else VisionTransformer
        self.model = network(
            img_size=(input_fdim, input_tdim), patch_size=patch_size, in_chans=1, num_classes=0,
            global_pool=global_pool, embed_dim=embed_dim, depth=depth, num_heads=num_heads,
            mlp_ratio=mlp_ratio, norm_layer=partial(nn.LayerNorm, eps=norm_eps),
            embed_layer=partial(OverlappingPatchEmbed, stride=(fstride, tstride)))
        project = out_dim is not None and out_dim != embed_dim
        self.proj = nn.Linear(embed_dim, out_dim) if project else nn.Identity()
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

    def _load_checkpoint(self, path: str) -> str:
        """Map an AST checkpoint onto the timm model, fit its position table, load strictly."""
        state_dict, fmt = ast_to_timm(load_local_state_dict(path))
        own, table = self.model.pos_embed, state_dict.get('pos_embed')
        prefix = self.model.num_prefix_tokens
        # a table made for another window (same width and prefix tokens): fit it from the
        # checkpoint's own grid; anything else is left for the strict load to report
        if table is not None and table.ndim == 3 and table.shape != own.shape \
                and table.shape[-1] == own.shape[-1] and 'dist_token' in state_dict \
                and prefix == 2:
            old_grid = checkpoint_grid(table.shape[1] - prefix, self.patch_size, self.fstride)
            if old_grid is None:
                raise ValueError(
                    f'{path}: its position table has {table.shape[1] - prefix} patches, which '
                    f'is no grid of {ast_freq_rows(self.patch_size, self.fstride)} frequency '
                    f'rows (AST\'s {AST_MEL_BINS} mel bins, patch {self.patch_size}, frequency '
                    f'stride {self.fstride}); the model\'s grid is '
                    f'{self.model.patch_embed.grid_size[0]} x {self.model.patch_embed.grid_size[1]}'
                    '. Set fstride/patch_size as the checkpoint was trained.')
            state_dict['pos_embed'] = adapt_ast_pos_embed(
                table, prefix, self.model.patch_embed.grid_size, old_freq_rows=old_grid[0])
        load_strict(self.model, state_dict, path, AST_FORMATS[fmt])
        return AST_FORMATS[fmt]

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, Fa, 128)`` windows → ``(N, D)`` features."""
        images = frames.transpose(1, 2).unsqueeze(1)  # (N, 1, 128, Fa): frequency × time
        return self.proj(self.model(images))
