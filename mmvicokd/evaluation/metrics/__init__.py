"""Registered evaluation metrics."""
from .multilabel_map import MultiLabelMAP
from .view_reading_metric import ViewReadingMetric

__all__ = ['MultiLabelMAP', 'ViewReadingMetric']
