"""Shared machinery of the frame-wise encoders: chunked forward, freezing, local checkpoints."""
from abc import ABCMeta, abstractmethod
from contextlib import nullcontext
from typing import Optional, Tuple

import torch
from mmengine.logging import MMLogger
from mmengine.model import BaseModule

from .weight_files import load_local_state_dict, load_strict, resolve_weight_file


class BaseFrameEncoder(BaseModule, metaclass=ABCMeta):
    """Encode every frame of ``(B, V, T, *frame_shape)`` on its own into ``(B, V, T, D)`` (Eq. 1).

    The same weights serve every view. Frames are encoded ``chunk_size`` at a time to bound
    memory (while tracing or exporting, e.g. to ONNX, in one call, so that B, V and T stay
    dynamic in the graph). A frozen encoder has ``requires_grad=False``, stays in eval mode under
    ``train()`` and runs under ``no_grad``. With ``with_cp`` a trainable encoder keeps only
    each block's input for backward and recomputes the rest (activation checkpointing,
    ``torch.utils.checkpoint`` per block through timm's ``set_grad_checkpointing``, or the
    backbone's own ``with_cp`` for mmaction backbones).

    A frozen encoder's features can be computed once (``tools/extract_features.py``) and fed
    back as ``inputs[feat_key]`` (:meth:`encode_inputs`), which skips the network.

    Subclasses build their network as ``self.model``, then call :meth:`_finish_init`, and implement
    :meth:`encode_frames` and :attr:`out_dim`.

    The local checkpoint is loaded by :meth:`init_weights`, which MMEngine's Runner calls when
    training starts (as ``init_cfg=dict(type='Pretrained')`` would): building a model from a
    config needs no weight file, and ``tools/test.py``, which loads a whole trained model, never
    reads it.

    Args:
        chunk_size: frames per forward call of the network.
        frozen: freeze the encoder.
        with_cp: activation checkpointing of the network's blocks (mmaction's name); it only
            acts while gradients are recorded.
    """

    def __init__(self, chunk_size: int, frozen: bool, with_cp: bool = False):
        super().__init__()
        if chunk_size < 1:
            raise ValueError(f'chunk_size must be >= 1, got {chunk_size}')
        self.chunk_size = chunk_size
        self.frozen = frozen
        self.with_cp = with_cp

    @property
    @abstractmethod
    def out_dim(self) -> int:
        """Feature size D of the output."""

    @property
    @abstractmethod
    def frame_shape(self) -> Tuple[int, ...]:
        """Shape of one input frame (the trailing dims of the input)."""

    @abstractmethod
    def encode_frames(self, frames: torch.Tensor) -> torch.Tensor:
        """Encode ``(N, *frame_shape)`` frames into ``(N, D)`` features."""

    def _finish_init(self, checkpoint: Optional[str]) -> None:
        """Remember ``checkpoint`` for ``self.model`` (see :meth:`init_weights`); freeze if
        asked; switch on activation checkpointing if asked."""
        self.checkpoint = checkpoint
        if self.with_cp:
            self._check_with_cp()
        if self.frozen:
            for param in self.parameters():
                param.requires_grad = False
            self.train(False)

    def _check_with_cp(self) -> None:
        """Raise unless ``self.model`` can checkpoint activations (timm's
        ``set_grad_checkpointing``); subclasses with another mechanism override it."""
        if not hasattr(self.model, 'set_grad_checkpointing'):
            raise ValueError(f'{type(self).__name__}: with_cp needs a network with timm\'s '
                             f'set_grad_checkpointing; {type(self.model).__name__} has none')

    def _set_grad_checkpointing(self, enable: bool) -> None:
        """Switch activation checkpointing of ``self.model`` on or off (before each forward)."""
        self.model.set_grad_checkpointing(enable)

    def _load_checkpoint(self, path: str) -> str:
        """Load ``path`` into ``self.model`` strictly; return the format it was read as.

        The default reads a state dict of ``self.model``'s own keys (``'timm'``); subclasses
        map other layouts.
        """
        load_strict(self.model, load_local_state_dict(path), path, 'timm')
        return 'timm'

    def init_weights(self) -> None:
        """Load the local ``checkpoint`` strictly (if one is configured) and log, once, what the
        encoder starts from: the file and its format, or random initialisation (a warning: the
        paper fine-tunes pre-trained encoders)."""
        logger = MMLogger.get_current_instance()
        name = type(self).__name__
        if self.checkpoint is None:
            logger.warning(f'{name}: no checkpoint configured, the encoder starts from random '
                           f'initialisation (the paper fine-tunes pre-trained weights; '
                           f'docs/pretrained_weights.md)')
            return
        path = resolve_weight_file(self.checkpoint)
        fmt = self._load_checkpoint(path)
        logger.info(f'{name}: weights loaded from {path!r} ({fmt})')

    def train(self, mode: bool = True) -> 'BaseFrameEncoder':
        """Set train/eval mode; a frozen encoder always stays in eval mode."""
        return super().train(mode and not self.frozen)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Encode ``x`` of shape ``(B, V, T, *frame_shape)`` into ``(B, V, T, D)``."""
        expected = self.frame_shape
        if x.dim() != 3 + len(expected) or tuple(x.shape[3:]) != tuple(expected):
            raise ValueError(f'{type(self).__name__} expects input of shape (B, V, T, '
                             f'{", ".join(map(str, expected))}), got {tuple(x.shape)}')
        b, v, t = x.shape[:3]
        frames = x.reshape(b * v * t, *expected)
        if self.with_cp:  # recompute only where backward will need it
            self._set_grad_checkpointing(
                torch.is_grad_enabled() and not self.frozen and not torch.jit.is_tracing()
                and not torch.compiler.is_exporting())
        with torch.no_grad() if self.frozen else nullcontext():
            if torch.jit.is_tracing() or torch.compiler.is_exporting():
                feats = self.encode_frames(frames)
            else:
                feats = torch.cat([self.encode_frames(chunk)
                                   for chunk in frames.split(self.chunk_size)])
        return feats.reshape(b, v, t, -1)

    def encode_inputs(self, inputs: dict, raw_key: str, feat_key: str) -> torch.Tensor:
        """``inputs[feat_key]`` (cached features) if present, else ``self(inputs[raw_key])``.

        Cached features ``(B, V, T, D)`` come from ``tools/extract_features.py``, which runs
        this encoder frozen; feeding them to a trainable encoder would silently stop it from
        learning, so that is an error, as is a feature size other than :attr:`out_dim`.
        """
        if feat_key not in inputs:
            return self(inputs[raw_key])
        feats = inputs[feat_key]
        name = type(self).__name__
        if not self.frozen:
            raise ValueError(
                f'{name}: the inputs carry cached encoder features {feat_key!r}, but this '
                'encoder is trainable (frozen=False), so it would never be trained; set '
                'frozen=True in its config or read the raw inputs instead of the feature cache')
        if feats.dim() != 4 or feats.shape[-1] != self.out_dim:
            raise ValueError(f'{name}: cached features {feat_key!r} must be (B, V, T, '
                             f'{self.out_dim}), got {tuple(feats.shape)}')
        return feats
