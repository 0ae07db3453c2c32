"""Parameters and FLOPs of a config's deployed recognizer at the config's own clip, quickly.

``tools/analysis_tools/get_flops.py`` traces the whole model on the whole clip, which at the
paper's size (5 views x 70 frames of 224 px, AST-base) takes minutes on a CPU. The encoders
encode every frame on its own (``BaseFrameEncoder``) and every operator the counter counts is
linear in the number of frames, so the same total is the encoders traced on one frame times
V·T plus the rest of the model (adapter, cross-modal attention, fusion backbone) traced on the
encoders' (1, V, T, D) features. ``tests/utils/test_complexity.py`` checks that this equals
the tool's whole-model count. Networks are built on the meta device and given uninitialised
memory (the values do not change the counts), and each distinct network is traced once.
"""
from typing import Dict, Tuple

import torch
from mmengine.analysis import parameter_count
from mmengine.config import Config
from torch import nn

from mmvicokd.utils.complexity import PARTS, count_flops
from mmvicokd.utils.complexity_config import build_recognizer, clip_shape, recognizer_configs

_TRACED: Dict[str, int] = {}  # FLOPs by repr of (network, input shapes)
_MEASURED: Dict[str, Tuple[int, int]] = {}  # (parameters, FLOPs) by networks and clip


class AfterEncoders(nn.Module):
    """A recognizer from its encoders' outputs on: ``(visual[, audio]) -> fusion outputs``,
    features (B, V, T, D); a student makes its pseudo-audio with the adapter."""

    def __init__(self, recognizer: nn.Module):
        super().__init__()
        self.recognizer = recognizer

    def forward(self, visual: torch.Tensor, *audio: torch.Tensor) -> dict:
        model = self.recognizer
        pseudo_or_audio = audio[0] if audio else model.adapter(visual)
        return model.fusion(model.cross_attn(visual, pseudo_or_audio)[1])


def _flops(module: nn.Module, inputs: tuple) -> int:
    key = repr((module, [tuple(x.shape) for x in inputs]))
    if key not in _TRACED:
        _TRACED[key] = count_flops(module.eval(), inputs)[0]['']
    return _TRACED[key]


def decomposed_flops(model: nn.Module, inputs: dict) -> int:
    """FLOPs of ``model(inputs)`` (B = 1) as the module docstring says."""
    _, views, frames = inputs['video'].shape[:3]
    flops, feats = 0, []
    for key, encoder in (('video', model.visual_encoder), ('audio', model.audio_encoder)):
        if key in inputs:
            flops += _flops(encoder, (inputs[key][:, :1, :1],)) * views * frames
            feats.append(torch.zeros(1, views, frames, encoder.out_dim))
    return flops + _flops(AfterEncoders(model), tuple(feats))


def config_complexity(path: str) -> Tuple[int, int]:
    """``(parameters, FLOPs)`` per clip of the deployed recognizer of the config at ``path``
    (the student of a distiller), at the config's own clip."""
    cfg = Config.fromfile(path)
    shape = clip_shape(cfg)
    model_cfg = recognizer_configs(cfg.model)[0][1]
    key = repr((shape, [model_cfg.get(name) for name, _ in PARTS]))
    if key not in _MEASURED:
        with torch.device('meta'):
            model = build_recognizer(model_cfg)
        model.to_empty(device='cpu')
        _MEASURED[key] = (parameter_count(model)[''],
                          decomposed_flops(model, shape.inputs(model)))
    return _MEASURED[key]
