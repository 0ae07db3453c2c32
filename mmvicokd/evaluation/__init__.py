"""Evaluation: multi-label mAP."""
from . import metrics  # noqa: F401
