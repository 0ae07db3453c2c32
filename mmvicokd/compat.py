"""Import-time fixes for the pinned OpenMMLab stack (DESIGN.md section 7).

Two known breakages are mended here, once, before anything imports ``mmaction.models``:

* The ``mmaction2==1.2.0`` wheel on PyPI lacks ``mmaction/models/localizers/drn/`` although
  ``mmaction/models/localizers/__init__.py`` imports it. When the folder is missing we register a
  small stand-in module whose ``DRN`` raises a clear error if anyone builds it.
* torch >= 2.6 loads checkpoints with ``weights_only=True``; MMEngine checkpoints hold a
  ``HistoryBuffer`` (whose state pickles its statistics methods as ``getattr(HistoryBuffer,
  'mean')``) and numpy arrays/scalars in ``message_hub`` and ``meta``. We allow-list exactly those
  globals with ``torch.serialization.add_safe_globals``.
"""
import builtins
import importlib.util
import os
import sys
import types

_DRN_MODULE = 'mmaction.models.localizers.drn'


def _drn_missing() -> bool:
    spec = importlib.util.find_spec('mmaction')
    if spec is None or not spec.submodule_search_locations:
        return False
    root = list(spec.submodule_search_locations)[0]
    localizers = os.path.join(root, 'models', 'localizers')
    return (os.path.isdir(localizers)
            and not os.path.isdir(os.path.join(localizers, 'drn')))


class _MissingDRN:
    """Stand-in for mmaction's DRN localizer, absent from the PyPI wheel."""

    def __init__(self, *args, **kwargs):
        raise ImportError(
            'mmaction.models.localizers.drn is missing from the installed mmaction2 wheel; '
            'mmvicokd registered a stand-in so that mmaction.models imports. Install mmaction2 '
            'from source to use DRN.')


def patch_missing_drn() -> None:
    """Register ``mmaction.models.localizers.drn(.drn)`` stand-ins if the wheel lacks them."""
    if _DRN_MODULE in sys.modules or not _drn_missing():
        return
    package = types.ModuleType(_DRN_MODULE)
    package.__path__ = []  # mark as a package
    inner = types.ModuleType(_DRN_MODULE + '.drn')
    inner.DRN = _MissingDRN
    package.drn = inner
    package.DRN = _MissingDRN
    sys.modules[_DRN_MODULE] = package
    sys.modules[_DRN_MODULE + '.drn'] = inner


def checkpoint_safe_globals() -> list:
    """The globals an MMEngine checkpoint pickles besides tensors (``message_hub``, ``meta``)."""
    import numpy as np
    from mmengine.logging import HistoryBuffer

    dtype_classes = [type(np.dtype(name)) for name in (
        'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64',
        'float16', 'float32', 'float64', 'U', 'O')]
    return [
        HistoryBuffer,
        builtins.getattr,
        builtins.bytes,  # protocol 2 pickles an empty array's buffer as ``bytes()``
        np.ndarray,
        np.dtype,
        np._core.multiarray._reconstruct,
        np._core.multiarray.scalar,
        *dtype_classes,
    ]


def allow_checkpoint_globals() -> None:
    """Allow-list MMEngine's checkpoint globals for ``torch.load(weights_only=True)``."""
    import torch
    torch.serialization.add_safe_globals(checkpoint_safe_globals())


def apply() -> None:
    """Apply every fix; safe to call more than once."""
    patch_missing_drn()
    allow_checkpoint_globals()
