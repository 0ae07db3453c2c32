"""A local file backend whose writes are atomic (temporary name, then ``os.replace``).

MMEngine's ``LocalBackend.put`` opens the final path and writes into it, so a run killed while
saving a checkpoint leaves a truncated ``epoch_N.pth`` that a later ``--resume`` or
``tools/test.py`` trusts. ``tools/train.py`` points the ``CheckpointHook`` at this backend
(``backend_args=dict(backend='atomic_local')``) unless the config chose another one.
"""
from pathlib import Path
from typing import Union

from mmengine.fileio import LocalBackend, register_backend

from ..utils.atomic_files import write_bytes

ATOMIC_BACKEND = 'atomic_local'


def write_atomic(data: bytes, path: Union[str, Path]) -> None:
    """Write ``data`` to ``path`` through :func:`~mmvicokd.utils.atomic_files.atomic_path`."""
    write_bytes(str(path), data)


class AtomicLocalBackend(LocalBackend):
    """:class:`mmengine.fileio.LocalBackend` with atomic ``put`` and ``put_text``."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        write_atomic(obj, filepath)

    def put_text(self, obj: str, filepath: Union[str, Path], encoding: str = 'utf-8') -> None:
        write_atomic(obj.encode(encoding), filepath)


register_backend(ATOMIC_BACKEND, AtomicLocalBackend, force=True)
