"""Batch, normalise and move multi-view audio-visual inputs (docs/interfaces.md, Data)."""
from typing import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor


@MODELS.register_module()
class MultiViewAVDataPreprocessor(BaseDataPreprocessor):
    """Stack each input key over the batch, move it to the model's device, normalise video.

    ``video`` uint8 (V, T, 3, H, W) per sample becomes float (B, V, T, 3, H, W) normalised
    per channel as (x - mean) / std on the 0-255 scale; the cast happens after the move, so
    uint8 crosses to the device. Every other key (``audio`` (V, T, Fa, 128), cached encoder
    features ``visual_feat`` / ``audio_feat`` (V, T, D)) is stacked to (B, ...) and cast to
    float. Data samples are moved along and otherwise kept.

    Args:
        mean (Sequence[float]): Per-channel (RGB) mean, 0-255 scale. Defaults to 127.5, the
            "inception" normalisation of timm's augreg ViT weights.
        std (Sequence[float]): Per-channel (RGB) std, 0-255 scale. Defaults to 127.5.
        non_blocking (bool): Asynchronous host-to-device copies. Defaults to False.
    """

    def __init__(self, mean: Sequence[float] = (127.5, 127.5, 127.5),
                 std: Sequence[float] = (127.5, 127.5, 127.5),
                 non_blocking: bool = False) -> None:
        super().__init__(non_blocking=non_blocking)
        if len(mean) != 3 or len(std) != 3:
            raise ValueError(f'mean and std need 3 (RGB) values, got {mean} and {std}')
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(3, 1, 1),
                             persistent=False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(3, 1, 1),
                             persistent=False)

    @staticmethod
    def _stack(key: str, value) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            return value
        shapes = {tuple(v.shape) for v in value}
        if len(shapes) != 1:
            raise ValueError(f'cannot batch input {key!r}: samples have shapes {sorted(shapes)}')
        return torch.stack(list(value))

    def forward(self, data: dict, training: bool = False) -> dict:
        """``data['inputs']``: dict key -> list of B tensors (or a stacked tensor)."""
        inputs = {key: self._stack(key, value) for key, value in data['inputs'].items()}
        data = self.cast_data(dict(inputs=inputs, data_samples=data.get('data_samples')))
        inputs = data['inputs']
        for key, value in inputs.items():
            if key == 'video':
                inputs[key] = (value.float() - self.mean) / self.std
            else:
                inputs[key] = value.float()
        return data
