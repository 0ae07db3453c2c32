"""Checkpoint helpers of the distiller: read a recognizer checkpoint, check it against a model,
and cut the student out of a distiller checkpoint (``tools/extract_student.py``)."""
import os

import torch

from ..state_dict_check import first_few, state_dict_mismatches  # noqa: F401  (re-exported)
from ...utils.atomic_files import atomic_path

STUDENT_PREFIX = 'student.'
TEACHER_PREFIX = 'teacher.'


def read_checkpoint(path: str, what: str) -> dict:
    """Load an MMEngine checkpoint on the CPU (``weights_only=True``).

    Args:
        path: the checkpoint file.
        what: how error messages name the file's role, e.g. ``"teacher_ckpt (teacher config
            'configs/teacher/x.py')"``.

    Returns:
        The checkpoint dict; it holds a ``state_dict`` of tensors.

    Raises:
        FileNotFoundError: ``path`` is not a file.
        RuntimeError: the file cannot be read or holds no ``state_dict``.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f'{what}: checkpoint file {path!r} does not exist')
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as err:  # the reader's own error, re-raised naming the file
        raise RuntimeError(f'{what}: cannot read checkpoint {path!r}: {err}') from err
    state_dict = ckpt.get('state_dict') if isinstance(ckpt, dict) else None
    if not isinstance(state_dict, dict) or not all(
            isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise RuntimeError(f'{what}: {path!r} is not an MMEngine checkpoint (no `state_dict` '
                           'of tensors)')
    return ckpt


def student_checkpoint(ckpt: dict, source: str) -> dict:
    """Keep only the student of a distiller checkpoint.

    Args:
        ckpt: an MMEngine checkpoint of a ``ViCoKDDistiller`` (keys ``student.*``,
            ``teacher.*``, ``data_preprocessor.*``).
        source: the file it came from, for error messages.

    Returns:
        ``dict(meta=..., state_dict=...)`` whose keys are the student's with ``student.``
        stripped, i.e. those of a plain ``MultiViewAVRecognizer``. Optimizer, scheduler and
        message-hub states are dropped.

    Raises:
        ValueError: the checkpoint holds no ``student.*`` weights.
    """
    state_dict = ckpt['state_dict']
    student = {k[len(STUDENT_PREFIX):]: v for k, v in state_dict.items()
               if k.startswith(STUDENT_PREFIX)}
    if not student:
        raise ValueError(f'{source!r} holds no `student.*` weights, so it is not a '
                         f'ViCoKDDistiller checkpoint; its keys start with '
                         f'{first_few(sorted({k.split(".")[0] for k in state_dict}))}')
    return dict(meta=dict(ckpt.get('meta') or {}), state_dict=student)


def save_atomic(obj: dict, path: str) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            torch.save(obj, f)


def extract_student(src: str, dst: str) -> dict:
    """Write the student of distiller checkpoint ``src`` to ``dst`` (atomically).

    Returns:
        The checkpoint written (see :func:`student_checkpoint`).
    """
    ckpt = read_checkpoint(src, 'distiller checkpoint')
    out = student_checkpoint(ckpt, src)
    save_atomic(out, dst)
    return out
