"""Recognizers: the multi-view audio-visual teacher/student model."""
from .multiview_av_recognizer import MultiViewAVRecognizer

__all__ = ['MultiViewAVRecognizer']
