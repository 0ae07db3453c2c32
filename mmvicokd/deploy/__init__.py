"""Deployment: ONNX export of recognizers (``tools/export_onnx.py``)."""
from .onnx_export import (ScoresModule, export_onnx, load_recognizer, onnx_parity,
                          time_per_clip)

__all__ = ['ScoresModule', 'export_onnx', 'load_recognizer', 'onnx_parity', 'time_per_clip']
