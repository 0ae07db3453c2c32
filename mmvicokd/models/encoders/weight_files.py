"""Encoder weights from local files, in the formats users download them; never from a hub.

* a file: ``.safetensors`` (safetensors), ``.npz`` (the original big_vision/augreg ViT
  checkpoints, read by timm's own loader in :class:`TimmFrameEncoder`), anything else
  (``.pth``, ``.bin``, ``.pt``) with ``torch.load(weights_only=True)``;
* a folder: a Hugging Face hub download (``--local-dir`` or a cache entry with
  ``snapshots/<revision>/``) holding ``model.safetensors`` or ``pytorch_model.bin``.
"""
import os
from typing import Dict

import torch
from torch import nn

from ..state_dict_check import state_dict_mismatches

#: Files looked for, in this order, when a checkpoint path is a hub download folder.
HUB_FILES = ('model.safetensors', 'pytorch_model.bin')


def resolve_weight_file(path: str) -> str:
    """The weight file of ``path``: the path itself, or the hub file inside a download folder.

    Raises:
        FileNotFoundError: nothing at ``path``, or a folder without any of :data:`HUB_FILES`.
    """
    if os.path.isfile(path):
        return path
    if not os.path.isdir(path):
        raise FileNotFoundError(f'encoder checkpoint {path!r} does not exist (weights are only '
                                f'read from local files; docs/pretrained_weights.md)')
    folders = [path]
    snapshots = os.path.join(path, 'snapshots')
    if os.path.isdir(snapshots):
        folders += [os.path.join(snapshots, name) for name in sorted(os.listdir(snapshots))]
    for folder in folders:
        for name in HUB_FILES:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
    raise FileNotFoundError(f'encoder checkpoint folder {path!r} holds none of {HUB_FILES} '
                            f'(a Hugging Face hub download of the model is expected)')


def load_local_state_dict(path: str) -> Dict[str, torch.Tensor]:
    """Read a state dict from a local file or hub folder (see the module docstring).

    A checkpoint dict holding ``state_dict`` (MMEngine), ``model`` (timm/DeiT training
    scripts) is unwrapped.

    Raises:
        FileNotFoundError: nothing readable at ``path``.
        RuntimeError: the file cannot be read or holds no state dict.
    """
    path = resolve_weight_file(path)
    try:
        if path.endswith('.safetensors'):
            from safetensors.torch import load_file
            ckpt = load_file(path, device='cpu')
        else:
            ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # the reader's own error, re-raised naming the file
        raise RuntimeError(f'cannot read encoder checkpoint {path!r}: {err}') from err
    if isinstance(ckpt, dict):
        for key in ('state_dict', 'model'):
            if key in ckpt and isinstance(ckpt[key], dict):
                ckpt = ckpt[key]
                break
    if not isinstance(ckpt, dict) or not all(
            isinstance(v, torch.Tensor) for v in ckpt.values()):
        raise RuntimeError(f'encoder checkpoint {path!r} holds no state dict of tensors')
    return ckpt


def load_strict(module: nn.Module, state_dict: Dict[str, torch.Tensor], path: str,
                fmt: str) -> None:
    """Load ``state_dict`` into ``module`` strictly; on any mismatch raise one error naming
    ``path``, the format it looked like (``fmt``) and the first mismatches."""
    problems = state_dict_mismatches(module, state_dict)
    if problems:
        raise RuntimeError(f'encoder checkpoint {path!r} (read as {fmt}) does not match the '
                           f'{type(module).__name__} built from the config; '
                           + '; '.join(problems))
    module.load_state_dict(state_dict, strict=True)
