"""Runner-side helpers: hooks."""
from .hooks import FeatureCacheCheckHook

__all__ = ['FeatureCacheCheckHook']
