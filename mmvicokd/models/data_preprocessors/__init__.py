"""Data preprocessors."""
from .multiview_av_data_preprocessor import MultiViewAVDataPreprocessor

__all__ = ['MultiViewAVDataPreprocessor']
