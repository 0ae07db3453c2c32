"""MMEngine hooks."""
from .epoch_seed_hook import EpochSeedHook
from .feature_cache_check_hook import FeatureCacheCheckHook

__all__ = ['FeatureCacheCheckHook', 'EpochSeedHook']
