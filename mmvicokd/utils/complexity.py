"""Parameters and FLOPs of a multi-view recognizer per clip, part by part.

The counts come from MMEngine's ``FlopAnalyzer`` (fvcore's counter: the forward is traced once
with ``torch.jit`` and each operator is counted from its shapes). As there, one multiply-add is
one FLOP and elementwise and reduction operators (add, GELU, softmax, top-k, ...) are not
counted; :func:`sdpa_flop_jit` counts the fused attention operator, which MMEngine 0.10 skips.
PyTorch's fused Transformer inference path is switched off while tracing, so that
``nn.MultiheadAttention`` and ``nn.TransformerEncoderLayer`` trace as the linear and attention
operators that are counted instead of one opaque kernel.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Counter, Dict, Iterator, List, Tuple

import torch
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.analysis.jit_handles import get_shape
from torch import nn

from .markdown import markdown_table

#: The recognizer's parts in forward order: (attribute, printed name). A part the model does
#: not have (a student's audio encoder, a teacher's adapter) is left out of the report.
PARTS = (('visual_encoder', 'visual encoder'), ('audio_encoder', 'audio encoder'),
         ('adapter', 'adapter'), ('cross_attn', 'cross-attention'),
         ('fusion', 'fusion backbone'))
SDPA = 'aten::scaled_dot_product_attention'


@dataclass(frozen=True)
class PartCount:
    """``params`` parameters and ``flops`` multiply-adds per clip of one part (or the total)."""
    name: str
    params: int
    flops: int


@dataclass(frozen=True)
class Complexity:
    """What :func:`recognizer_complexity` measured.

    ``parts`` are the parts the recognizer has (see :data:`PARTS`); ``total`` is the whole
    model (the parts plus anything outside them); ``uncounted_ops`` names the traced operators
    that are not counted (elementwise and reduction operators).
    """
    parts: Tuple[PartCount, ...]
    total: PartCount
    uncounted_ops: Tuple[str, ...]


def sdpa_flop_jit(inputs: List, outputs: List) -> int:
    """Multiply-adds of ``scaled_dot_product_attention(q, k, v, ...)``.

    ``q`` (*N, L, E), ``k`` (*N, S, E), ``v`` (*N, S, Ev): ``prod(N)·L·S·E`` for q·kᵀ plus
    ``prod(N)·L·S·Ev`` for the attention weights times v (the softmax is not counted, as no
    elementwise operator is).
    """
    q, k, v = (get_shape(value) for value in inputs[:3])
    *batch, length, dim = q
    return prod(batch) * length * k[-2] * (dim + v[-1])


@contextmanager
def transformer_fast_path_off() -> Iterator[None]:
    """Switch off PyTorch's fused Transformer inference path; restore the setting on exit."""
    enabled = torch.backends.mha.get_fastpath_enabled()
    torch.backends.mha.set_fastpath_enabled(False)
    try:
        yield
    finally:
        torch.backends.mha.set_fastpath_enabled(enabled)


def count_flops(module: nn.Module, inputs: tuple) -> Tuple[Counter, Counter]:
    """Trace ``module(*inputs)`` once under ``no_grad`` with the fast path off.

    Returns:
        FLOPs by submodule name (``''`` is the whole module) and the traced operators that are
        not counted, with how often each ran.
    """
    with torch.no_grad(), transformer_fast_path_off():
        analyzer = FlopAnalyzer(module, inputs).set_op_handle(SDPA, sdpa_flop_jit)
        analyzer.unsupported_ops_warnings(False).uncalled_modules_warnings(False)
        return analyzer.by_module(), analyzer.unsupported_ops()


def recognizer_complexity(model: nn.Module, inputs: Dict[str, torch.Tensor]) -> Complexity:
    """Count the parameters and FLOPs of ``model`` on ``inputs``, part by part.

    The model is put in eval mode and traced once (:func:`count_flops`) through its
    ``mode='tensor'`` forward (``extract_feat``: encoders, adapter, cross-modal attention,
    fusion backbone).

    Args:
        model: a ``MultiViewAVRecognizer``.
        inputs: one batch as the data preprocessor gives it: ``video`` float
            (B, V, T, 3, H, W) and, for a teacher, ``audio`` float (B, V, T, Fa, 128).

    Returns:
        The counts for that batch (per clip when B = 1).
    """
    flops, uncounted = count_flops(model.eval(), (inputs,))
    params = parameter_count(model)
    parts = tuple(PartCount(label, params[name], flops[name]) for name, label in PARTS
                  if getattr(model, name, None) is not None)
    return Complexity(parts, PartCount('total', params[''], flops['']),
                      tuple(sorted(uncounted)))


def complexity_table(complexity: Complexity) -> str:
    """A markdown table: one row per part and the total, parameters in millions and GFLOPs."""
    rows = [(part.name, f'{part.params / 1e6:.2f}', f'{part.flops / 1e9:.2f}')
            for part in (*complexity.parts, complexity.total)]
    return markdown_table(['part', 'parameters (M)', 'GFLOPs'], rows, align='lrr')
