"""Deployment: ONNX export of recognizers (``tools/export_onnx.py``)."""
from .onnx_export import (ScoresModule, deployable_recognizer, export_onnx, onnx_parity,
                          time_per_clip)

__all__ = ['ScoresModule', 'deployable_recognizer', 'export_onnx', 'onnx_parity', 'time_per_clip']
