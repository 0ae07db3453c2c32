"""Runner-side helpers: hooks, atomic checkpoint writes."""
from .atomic_local_backend import ATOMIC_BACKEND, AtomicLocalBackend
from .hooks import EpochSeedHook, FeatureCacheCheckHook

__all__ = ['FeatureCacheCheckHook', 'EpochSeedHook', 'AtomicLocalBackend', 'ATOMIC_BACKEND']
