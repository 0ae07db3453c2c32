"""Cross-modal attention from visual to (pseudo-)audio features, and the adapter that makes
pseudo-audio from visual features."""
from .cross_modal_adapter import CrossModalAdapter
from .cross_modal_attention import CrossModalAttention
from .functional import sine_positional_encoding

__all__ = ['CrossModalAdapter', 'CrossModalAttention', 'sine_positional_encoding']
