"""Frame-wise timm ViT visual encoder E_V (paper Eq. 1)."""
from typing import Optional, Tuple

import timm
import torch
from mmaction.registry import MODELS

from .base_frame_encoder import BaseFrameEncoder
from .weight_files import load_local_state_dict, load_strict


@MODELS.register_module()
class TimmViTEncoder(BaseFrameEncoder):
    """``F_V = E_V(V)``: a timm ViT applied to every frame of every view (Eq. 1).

    The model is built with ``timm.create_model(arch, pretrained=False, num_classes=0,
    img_size=img_size, **model_kwargs)``, so its output is the pooled feature of size
    ``model.num_features``. Weights come only from the local ``checkpoint``, never from a hub, in
    the forms timm's ViT-S/32 (``vit_small_patch32_224.augreg_in21k_ft_in1k``) is distributed:
    a timm state dict (``.safetensors``, ``.pth``/``.bin``, or a hub download folder holding
    one; an MMEngine checkpoint with the timm model's keys also works), or the original
    big_vision/augreg ``.npz``, read by timm's own loader (``model.load_pretrained``), which
    also resamples its position table to ``img_size``. A classifier head stored in the
    checkpoint (timm's ``head.*``) is dropped, since the encoder has none.

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
        super().__init__(chunk_size=chunk_size, frozen=frozen, with_cp=with_cp)
        self.model = timm.create_model(arch, pretrained=False, num_classes=0, img_size=img_size,
                                       **model_kwargs)
        self._frame_shape = (self.model.patch_embed.proj.in_channels,
                             *self.model.patch_embed.img_size)
        self._finish_init(checkpoint)

    @property
    def out_dim(self) -> int:
        """Feature size D (``model.num_features``)."""
        return self.model.num_features

    @property
    def frame_shape(self) -> Tuple[int, ...]:
        """``(3, H, W)`` as built."""
        return self._frame_shape

    def _load_checkpoint(self, path: str) -> str:
        """Load ``path``: ``.npz`` through timm's big_vision loader, else a timm state dict
        (classifier head dropped). Returns the format read."""
        if path.lower().endswith('.npz'):
            try:
                self.model.load_pretrained(path)
            except Exception as err:  # timm's own error, re-raised naming the file
                raise RuntimeError(f'encoder checkpoint {path!r} (read as big_vision .npz) does '
                                   f'not fit the {type(self.model).__name__} built from the '
                                   f'config: {err!r}') from err
            return 'big_vision .npz'
        head = self.model.default_cfg.get('classifier', 'head')
        state_dict = {k: v for k, v in load_local_state_dict(path).items()
                      if not (k == head or k.startswith(head + '.'))}
        load_strict(self.model, state_dict, path, 'timm state dict')
        return 'timm state dict'

    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """``(N, 3, H, W)`` → pooled features ``(N, D)``."""
        return self.model(frames)
