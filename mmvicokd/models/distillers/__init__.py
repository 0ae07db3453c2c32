"""Distillers: the frozen-teacher / student wrapper of ViCoKD and its baselines (paper §3.2)."""
from .checkpoint import extract_student, student_checkpoint
from .vicokd_distiller import ViCoKDDistiller

__all__ = ['ViCoKDDistiller', 'extract_student', 'student_checkpoint']
