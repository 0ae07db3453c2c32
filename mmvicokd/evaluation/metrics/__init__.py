"""Registered evaluation metrics."""
from .atomic_dump_results import AtomicDumpResults
from .multilabel_map import MultiLabelMAP
from .view_reading_metric import ViewReadingMetric

__all__ = ['AtomicDumpResults', 'MultiLabelMAP', 'ViewReadingMetric']
