"""Read Audio Spectrogram Transformer (AST, Gong et al. 2021) weights as users download them.

Plain functions that turn an AST checkpoint into the state dict of the timm
``VisionTransformerDistilled`` that :class:`~mmvicokd.models.encoders.ASTEncoder` builds
(names ``cls_token``, ``dist_token``, ``pos_embed``, ``patch_embed.proj.*``,
``blocks.N.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}.*``, ``norm.*``), and adapt the
position table to another window. Formats recognised by their key names:

* ``'ast-original'``: the AST repository's ``audioset_10_10_0.4593.pth``
  (``module.v.*`` = timm's names, ``module.mlp_head.*`` classifier);
* ``'hf-hub'``: the Hugging Face hub checkpoint ``MIT/ast-finetuned-audioset-10-10-0.4593``
  (``model.safetensors`` / ``pytorch_model.bin`` of ``ASTForAudioClassification``, keys under
  ``audio_spectrogram_transformer.``; the bare ``ASTModel``'s keys have no prefix):
  ``embeddings.*``, ``encoder.layer.N.attention.attention.{query,key,value}``,
  ``...attention.output.dense``, ``...intermediate.dense``, ``...output.dense``,
  ``...layernorm_{before,after}``, ``layernorm``, ``classifier.*``;
* ``'hf-v5'``: the names ``transformers`` 5 gives the same model in memory
  (``layers.N.attention.{q,k,v,o}_proj``, ``layers.N.mlp.fc{1,2}``), as a
  ``torch.save(model.state_dict())`` made with it holds them;
* ``'timm'``: already timm's names (an ``ASTEncoder``'s own ``model`` state dict).

Classifier heads are dropped. Shapes: D width, P = F_grid * T_grid patches, N prefix tokens.
"""
import re
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F

_HF_EMBEDDINGS = {
    'embeddings.cls_token': 'cls_token',
    'embeddings.distillation_token': 'dist_token',
    'embeddings.position_embeddings': 'pos_embed',
    'embeddings.patch_embeddings.projection.weight': 'patch_embed.proj.weight',
    'embeddings.patch_embeddings.projection.bias': 'patch_embed.proj.bias',
    'layernorm.weight': 'norm.weight',
    'layernorm.bias': 'norm.bias',
}
_HF_LAYER = {  # per-block names (4.x hub files, 5.x in memory) -> timm
    'attention.output.dense': 'attn.proj', 'attention.o_proj': 'attn.proj',
    'intermediate.dense': 'mlp.fc1', 'mlp.fc1': 'mlp.fc1',
    'output.dense': 'mlp.fc2', 'mlp.fc2': 'mlp.fc2',
    'layernorm_before': 'norm1', 'layernorm_after': 'norm2',
}
_HF_QKV = {'attention.attention.query': 0, 'attention.attention.key': 1,
           'attention.attention.value': 2,
           'attention.q_proj': 0, 'attention.k_proj': 1, 'attention.v_proj': 2}
_HF_BLOCK = re.compile(r'^(?:encoder\.layer|layers)\.(\d+)\.(.+)\.(weight|bias)$')


def detect_ast_format(state_dict: Dict[str, torch.Tensor]) -> str:
    """``'ast-original'``, ``'hf-hub'``, ``'hf-v5'`` or ``'timm'``, from the key names."""
    keys = list(state_dict)
    if any(k.startswith('module.v.') for k in keys):
        return 'ast-original'
    bare = [k[len('audio_spectrogram_transformer.'):] if k.startswith(
        'audio_spectrogram_transformer.') else k for k in keys]
    if any(k.startswith('encoder.layer.') for k in bare):
        return 'hf-hub'
    if any(k.startswith('layers.') for k in bare):
        return 'hf-v5'
    return 'timm'


def _from_hf(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    out, qkv = {}, {}
    for key, value in state_dict.items():
        if key.startswith('audio_spectrogram_transformer.'):
            key = key[len('audio_spectrogram_transformer.'):]
        if key.startswith('classifier.'):
            continue
        if key in _HF_EMBEDDINGS:
            out[_HF_EMBEDDINGS[key]] = value
            continue
        match = _HF_BLOCK.match(key)
        if match is None:
            out[key] = value  # left for the strict load to report
            continue
        block, name, kind = match.groups()
        if name in _HF_QKV:
            qkv.setdefault((block, kind), [None] * 3)[_HF_QKV[name]] = value
        elif name in _HF_LAYER:
            out[f'blocks.{block}.{_HF_LAYER[name]}.{kind}'] = value
        else:
            out[key] = value
    for (block, kind), parts in qkv.items():
        if any(part is None for part in parts):
            missing = [n for n, part in zip(('query', 'key', 'value'), parts) if part is None]
            raise KeyError(f'block {block}: attention {kind} lacks {", ".join(missing)}')
        out[f'blocks.{block}.attn.qkv.{kind}'] = torch.cat(parts, dim=0)
    return out


def ast_to_timm(state_dict: Dict[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], str]:
    """Map an AST checkpoint of any recognised format onto timm's names, heads dropped.

    Returns:
        ``(state_dict, format)``; ``format`` as :func:`detect_ast_format` names it.
    """
    fmt = detect_ast_format(state_dict)
    if fmt == 'ast-original':
        out = {k[len('module.v.'):]: v for k, v in state_dict.items()
               if k.startswith('module.v.')}
        out.update({k[len('module.'):]: v for k, v in state_dict.items()
                    if k.startswith('module.') and not k.startswith(('module.v.',
                                                                     'module.mlp_head.'))})
    elif fmt in ('hf-hub', 'hf-v5'):
        out = _from_hf(state_dict)
    else:
        out = {k: v for k, v in state_dict.items() if not k.startswith(('head.', 'head_dist.'))}
    return out, fmt


#: AST's checkpoints are trained on 128 mel bins (its feature extractor's ``num_mel_bins``).
AST_MEL_BINS = 128


def ast_freq_rows(patch_size: int, fstride: int) -> int:
    """Frequency rows of AST's patch grid over its 128 mel bins: 12 for patch 16, stride 10."""
    return (AST_MEL_BINS - patch_size) // fstride + 1


def checkpoint_grid(num_patches: int, patch_size: int, fstride: int) -> Optional[Tuple[int, int]]:
    """The (F_old, T_old) grid of a checkpoint's position table of ``num_patches`` entries,
    with F_old from AST's 128 mel bins and the strides (12 × 101 for AudioSet AST's 1212);
    None when ``num_patches`` is no multiple of F_old."""
    rows = ast_freq_rows(patch_size, fstride)
    if num_patches % rows:
        return None
    return rows, num_patches // rows


def _cut_or_stretch(table: torch.Tensor, dim: int, size: int) -> torch.Tensor:
    """AST's rule along one grid axis of ``table`` (1, D, F, T): centre cut or bilinear."""
    old = table.shape[dim]
    if size <= old:
        start = old // 2 - size // 2
        return table.narrow(dim, start, size)
    new_size = list(table.shape[2:])
    new_size[dim - 2] = size
    return F.interpolate(table, size=tuple(new_size), mode='bilinear', align_corners=False)


def adapt_ast_pos_embed(pos_embed: torch.Tensor, num_prefix: int, new_grid: Tuple[int, int],
                        old_freq_rows: int) -> torch.Tensor:
    """Fit AST's position table to another patch grid, the way AST's own code does.

    The patch part of ``pos_embed`` (1, N + F_old * T_old, D) is laid out frequency-major as a
    (F_old, T_old) grid. Time first: when the new window has fewer columns, the centre
    columns ``[T_old // 2 - T // 2, ... + T)`` are kept (``[50 - T // 2, ...)`` for AST's 101),
    when it has more, the grid is interpolated bilinearly; then frequency likewise around row
    ``F_old // 2`` (6 for AST's 12). The N prefix tokens' entries are kept as they are.

    Args:
        pos_embed: (1, N + P_old, D) checkpoint table.
        num_prefix: N (2 for AST: CLS and distillation token).
        new_grid: (F, T) patch grid of the model.
        old_freq_rows: F_old, the checkpoint's frequency rows (P_old must be a multiple).

    Returns:
        (1, N + F * T, D) table.
    """
    prefix, patches = pos_embed[:, :num_prefix], pos_embed[:, num_prefix:]
    count, dim = patches.shape[1], patches.shape[2]
    if count % old_freq_rows:
        raise ValueError(f'position table of {count} patches is not a grid with '
                         f'{old_freq_rows} frequency rows')
    grid = patches.transpose(1, 2).reshape(1, dim, old_freq_rows, count // old_freq_rows)
    grid = _cut_or_stretch(grid, 3, new_grid[1])
    grid = _cut_or_stretch(grid, 2, new_grid[0])
    return torch.cat([prefix, grid.reshape(1, dim, -1).transpose(1, 2)], dim=1)
