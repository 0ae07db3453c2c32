"""Import-time fixes for the pinned OpenMMLab stack (``docs/design.md``, "Install facts").

Three known breakages are mended here, once, before anything imports ``mmaction.models``:

* The ``mmaction2==1.2.0`` wheel on PyPI lacks ``mmaction/models/localizers/drn/`` although
  ``mmaction/models/localizers/__init__.py`` imports it. When the folder is missing we register a
  small stand-in module whose ``DRN`` raises a clear error if anyone builds it.
* torch >= 2.6 loads checkpoints with ``weights_only=True``; MMEngine checkpoints hold a
  ``HistoryBuffer`` (whose state pickles its statistics methods as ``getattr(HistoryBuffer,
  'mean')``) and numpy arrays/scalars in ``message_hub`` and ``meta``. We allow-list exactly those
  globals with ``torch.serialization.add_safe_globals``.
* ``mmaction2==1.2.0`` imports its multimodal models (VindLU) whenever ``transformers>=4.28`` is
  installed; their ``vindlu/modeling_bert.py`` imports helpers that ``transformers`` 5.0 removed
  (``apply_chunking_to_forward``, ``find_pruneable_heads_and_indices``, ...), so with
  transformers 5 ``import mmaction.models`` fails. With transformers >= 5 we take mmaction's own
  "transformers absent" path (``WITH_MULTIMODAL = False``): VindLU types are then registered as
  stand-ins that raise when built; nothing else of mmaction changes. Without transformers,
  or with 4.x, nothing is touched.
"""
import builtins
import importlib.metadata
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


def _major_version(package: str):
    """Installed major version of ``package`` (None when it is not installed)."""
    try:
        version = importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None
    head = version.split('.')[0]
    return int(head) if head.isdigit() else None


def skip_multimodal_on_transformers5() -> bool:
    """Keep mmaction2 1.2.0 from importing VindLU when transformers >= 5 is installed.

    Must run before ``mmaction.models`` is imported (a no-op afterwards: if that import had
    succeeded there is nothing to mend). Returns whether the switch was set.
    """
    major = _major_version('transformers')
    if major is None or major < 5 or 'mmaction.models' in sys.modules:
        return False
    from mmaction.utils import dependency
    dependency.WITH_MULTIMODAL = False
    return True


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
    skip_multimodal_on_transformers5()
    allow_checkpoint_globals()
