"""mmvicokd: View-aware Cross-modal Knowledge Distillation (ViCoKD) as an mmaction2 plugin.

Importing this package mends the pinned stack (:mod:`mmvicokd.compat`) and registers every
dataset, transform, model, loss and metric into mmaction's registries (scope ``mmaction``).
"""
from . import compat

compat.apply()

from . import datasets, engine, evaluation, models  # noqa: E402,F401  (registration side effects)

__version__ = '0.1.0'
