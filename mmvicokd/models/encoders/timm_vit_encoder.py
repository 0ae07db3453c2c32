"""The paper's visual encoder E_V, a timm ViT (Eq. 1): :class:`TimmFrameEncoder` by its old name."""
from typing import Optional

from mmaction.registry import MODELS

from .timm_frame_encoder import TimmFrameEncoder


@MODELS.register_module()
class TimmViTEncoder(TimmFrameEncoder):
    """``F_V = E_V(V)``: a timm ViT applied to every frame of every view (Eq. 1).

    :class:`TimmFrameEncoder` with the paper's ViT-S/32 (``vit_small_patch32_224``, D=384) as
    the default ``arch``, kept under this name for the configs and checkpoints that use it (the
    state dict is the same: ``model.*``, timm's keys). Weights as timm's ViT-S/32
    (``vit_small_patch32_224.augreg_in21k_ft_in1k``) is distributed: a timm state dict
    (``.safetensors``, ``.pth``/``.bin``, a hub download folder) or the original
    big_vision/augreg ``.npz``, read by timm's own loader, which also resamples its position
    table to ``img_size``.

    Args:
        arch: timm model name, e.g. ``'vit_small_patch32_224'`` (D=384).
        img_size: input frame size (square) in pixels.
        checkpoint: local weight file or hub download folder, loaded strictly.
        frozen: freeze the encoder (no gradients, eval mode, ``no_grad`` forward).
        chunk_size: frames per forward call.
        with_cp: activation checkpointing per Transformer block (timm's
            ``set_grad_checkpointing``): backward recomputes each block, so a trainable encoder
            keeps about a tenth of the activations (``tools/benchmark.py`` measures it).
        **model_kwargs: further arguments of the timm model, e.g. ``embed_dim``, ``depth``,
            ``num_heads``, ``patch_size`` for small variants.

    Shapes: input ``(B, V, T, 3, H, W)`` (normalised), output ``(B, V, T, D)``.
    """

    def __init__(self, arch: str = 'vit_small_patch32_224', img_size: int = 224,
                 checkpoint: Optional[str] = None, frozen: bool = False,
                 chunk_size: int = 256, with_cp: bool = False, **model_kwargs):
        super().__init__(arch=arch, img_size=img_size, checkpoint=checkpoint, frozen=frozen,
                         chunk_size=chunk_size, with_cp=with_cp, **model_kwargs)
