"""Save pre-trained encoders in the layouts the real encoders read (their loading path runs).

* ViT: a timm state dict of ``TimmViTEncoder.model`` with the pre-training classifier under
  timm's ``head.*`` (as timm's released files carry theirs), ``.safetensors`` or ``.pth``;
* AST: the AST repository's ``.pth`` layout (``module.v.*`` for the Transformer, the
  pre-training classifier as ``module.mlp_head.{0,1}``: LayerNorm then Linear, as AST's).

The loaders drop both classifiers (``TimmViTEncoder`` drops timm's head, ``ast_to_timm`` the
``mlp_head``). Files are written through a temporary file and ``os.replace``.
"""
from typing import Dict

import torch
from torch import nn

from ...speed.weight_writers import ast_original_state
from ....utils.atomic_files import atomic_path


def vit_state(encoder: nn.Module, head: nn.Linear) -> Dict[str, torch.Tensor]:
    """timm state dict of a ``TimmViTEncoder`` with ``head`` (D -> K) as ``head.*``."""
    state = dict(encoder.model.state_dict())
    state.update({f'head.{k}': v for k, v in head.state_dict().items()})
    return state


def ast_state(encoder: nn.Module, head: nn.Sequential) -> Dict[str, torch.Tensor]:
    """AST repository state dict of an ``ASTEncoder`` (built without ``out_dim``) with
    ``head`` (LayerNorm(D), Linear(D, K)) as ``module.mlp_head.{0,1}``."""
    classes = head[1].out_features
    state = ast_original_state(dict(encoder.model.state_dict()), num_classes=classes)
    state.update({f'module.mlp_head.{k}': v for k, v in head.state_dict().items()})
    return state


def save_state_dict(state: Dict[str, torch.Tensor], path: str) -> str:
    """Write ``state`` atomically: safetensors for ``.safetensors``, else ``torch.save``; the
    bytes depend on the tensors alone."""
    state = {k: v.detach().cpu().contiguous().clone() for k, v in state.items()}
    with atomic_path(path) as tmp:
        if path.endswith('.safetensors'):
            from safetensors.torch import save_file
            save_file(state, tmp)
        else:  # through a file object: the archive's inner folder is then 'archive', not
            # the temporary file's random name, so equal weights give equal bytes
            with open(tmp, 'wb') as f:
                torch.save(state, f)
    return path
