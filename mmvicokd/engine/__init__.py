"""Runner-side helpers: hooks, loops, atomic checkpoint writes."""
from .atomic_local_backend import ATOMIC_BACKEND, AtomicLocalBackend
from .hooks import EpochSeedHook, FeatureCacheCheckHook
from .loops import TeacherStudentTestLoop, TeacherStudentValLoop

__all__ = ['FeatureCacheCheckHook', 'EpochSeedHook', 'AtomicLocalBackend', 'ATOMIC_BACKEND',
           'TeacherStudentValLoop', 'TeacherStudentTestLoop']
