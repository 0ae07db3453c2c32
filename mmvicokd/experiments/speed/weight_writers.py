"""Write encoder weights in the layouts users download, for benchmarks and tests that must run
the real loading path without the (hundreds of MB) released files.

* ViT: timm state dict (``.safetensors``/``.pth``, with the ImageNet head the released files
  carry) and the original big_vision/augreg ``.npz`` (JAX layout: HWIO convolution, (in, out)
  dense, (D, heads, head_dim) attention projections), which timm's ``load_pretrained`` reads.
* AST: the Hugging Face hub's ``ASTForAudioClassification`` names (``model.safetensors``,
  ``pytorch_model.bin``) and the original repository's ``module.v.*`` ``.pth``.

Each writer takes the timm model's state dict (``TimmViTEncoder.model``,
``ASTEncoder.model``); the readers are tested against independent references (timm,
``transformers``), so a wrong writer fails there.
"""
from typing import Dict

import numpy as np
import torch

HF_PREFIX = 'audio_spectrogram_transformer.'


def write_augreg_npz(model: torch.nn.Module, path: str, num_classes: int = 7) -> None:
    """Save a timm ``VisionTransformer``'s weights as an augreg ``.npz`` (with a head)."""
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    heads = model.blocks[0].attn.num_heads
    dim = sd['cls_token'].shape[-1]
    w = {'embedding/kernel': sd['patch_embed.proj.weight'].transpose(2, 3, 1, 0),
         'embedding/bias': sd['patch_embed.proj.bias'], 'cls': sd['cls_token'],
         'Transformer/posembed_input/pos_embedding': sd['pos_embed'],
         'Transformer/encoder_norm/scale': sd['norm.weight'],
         'Transformer/encoder_norm/bias': sd['norm.bias'],
         'head/kernel': np.zeros((dim, num_classes), np.float32),
         'head/bias': np.zeros(num_classes, np.float32)}
    for i in range(len(model.blocks)):
        p, b = f'Transformer/encoderblock_{i}/', f'blocks.{i}.'
        attn = p + 'MultiHeadDotProductAttention_1/'
        qkv_w = sd[b + 'attn.qkv.weight'].reshape(3, heads, dim // heads, dim)
        qkv_b = sd[b + 'attn.qkv.bias'].reshape(3, heads, dim // heads)
        for j, name in enumerate(('query', 'key', 'value')):
            w[f'{attn}{name}/kernel'] = qkv_w[j].transpose(2, 0, 1)
            w[f'{attn}{name}/bias'] = qkv_b[j]
        w[attn + 'out/kernel'] = sd[b + 'attn.proj.weight'].T.reshape(heads, dim // heads, dim)
        w[attn + 'out/bias'] = sd[b + 'attn.proj.bias']
        for ln, norm in (('LayerNorm_0', 'norm1'), ('LayerNorm_2', 'norm2')):
            w[f'{p}{ln}/scale'] = sd[b + norm + '.weight']
            w[f'{p}{ln}/bias'] = sd[b + norm + '.bias']
        for r in range(2):
            w[f'{p}MlpBlock_3/Dense_{r}/kernel'] = sd[b + f'mlp.fc{r + 1}.weight'].T
            w[f'{p}MlpBlock_3/Dense_{r}/bias'] = sd[b + f'mlp.fc{r + 1}.bias']
    np.savez(path, **w)


def ast_hub_state(state: Dict[str, torch.Tensor],
                  num_classes: int = 527) -> Dict[str, torch.Tensor]:
    """An ``ASTEncoder.model`` state dict under the hub's ``ASTForAudioClassification`` names
    (q/k/v split out of timm's fused ``qkv``), with a classifier."""
    names = {'cls_token': 'embeddings.cls_token',
             'dist_token': 'embeddings.distillation_token',
             'pos_embed': 'embeddings.position_embeddings',
             'patch_embed.proj.weight': 'embeddings.patch_embeddings.projection.weight',
             'patch_embed.proj.bias': 'embeddings.patch_embeddings.projection.bias',
             'norm.weight': 'layernorm.weight', 'norm.bias': 'layernorm.bias'}
    block = {'attn.proj': 'attention.output.dense', 'mlp.fc1': 'intermediate.dense',
             'mlp.fc2': 'output.dense', 'norm1': 'layernorm_before', 'norm2': 'layernorm_after'}
    out = {}
    for key, value in state.items():
        if key in names:
            out[HF_PREFIX + names[key]] = value
            continue
        _, index, rest = key.split('.', 2)  # blocks.N.<rest>
        layer = f'{HF_PREFIX}encoder.layer.{index}.'
        module, kind = rest.rsplit('.', 1)
        if module == 'attn.qkv':
            for part, name in zip(value.chunk(3), ('query', 'key', 'value')):
                out[f'{layer}attention.attention.{name}.{kind}'] = part.clone()
        else:
            out[f'{layer}{block[module]}.{kind}'] = value
    dim = state['norm.weight'].shape[0]
    out.update({'classifier.layernorm.weight': torch.ones(dim),
                'classifier.layernorm.bias': torch.zeros(dim),
                'classifier.dense.weight': torch.zeros(num_classes, dim),
                'classifier.dense.bias': torch.zeros(num_classes)})
    return {k: v.contiguous() for k, v in out.items()}


def ast_original_state(state: Dict[str, torch.Tensor],
                       num_classes: int = 527) -> Dict[str, torch.Tensor]:
    """An ``ASTEncoder.model`` state dict as the AST repository's ``.pth`` (DataParallel's
    ``module.`` prefix, ``v.`` for the ViT, ``mlp_head`` classifier)."""
    out = {f'module.v.{k}': v for k, v in state.items()}
    dim = state['norm.weight'].shape[0]
    out.update({'module.mlp_head.0.weight': torch.ones(dim),
                'module.mlp_head.0.bias': torch.zeros(dim),
                'module.mlp_head.1.weight': torch.zeros(num_classes, dim),
                'module.mlp_head.1.bias': torch.zeros(num_classes)})
    return out
