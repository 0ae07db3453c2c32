"""MMEngine hooks."""
from .feature_cache_check_hook import FeatureCacheCheckHook

__all__ = ['FeatureCacheCheckHook']
