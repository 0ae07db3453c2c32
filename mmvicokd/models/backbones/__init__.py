"""Fusion backbones: (B, V, T, D) audio-visual features -> per-view, frame and sequence logits."""
from .layers import TemporalEncoder, TransformerEncoder
from .multiasl import MultiASL
from .multitrans import MultiTrans
from .multitsf import MultiTSF

__all__ = ['MultiASL', 'MultiTSF', 'MultiTrans', 'TemporalEncoder', 'TransformerEncoder']
