"""The one way this project writes a file: a temporary name beside it, then ``os.replace``.

Every output a user keeps (checkpoints, caches, annotations, masks, weight files, reports,
figures, exported models) is written through :func:`atomic_path`, so a reader never sees a
partial file. The temporary name is ``{path}.tmp-{pid}{suffix}``: a process killed while
writing leaves only such a file, which no reader opens and which the next write of the same
path removes once that pid no longer runs.
"""
import glob
import json
import os
from contextlib import contextmanager


def _pid_alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_killed_tmp_files(path: str) -> None:
    """Delete ``{path}.tmp-{pid}*`` files left by writers that were killed (pid not running)."""
    for tmp in glob.glob(glob.escape(path) + '.tmp-*'):
        pid = tmp.rsplit('.tmp-', 1)[1].split('.', 1)[0]
        if not _pid_alive(pid):
            os.remove(tmp)


@contextmanager
def atomic_path(path: str, suffix: str = ''):
    """Yield the temporary path to write ``path`` through; on success it is flushed to disk
    and renamed to ``path``; on an error it is removed and ``path`` is left as it was.

    Args:
        path: the final file; its folder is created.
        suffix: appended to the temporary name, for writers that choose the format by the
            extension (e.g. ``'.mp4'``).
    """
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    remove_killed_tmp_files(path)
    tmp = f'{path}.tmp-{os.getpid()}{suffix}'
    try:
        yield tmp
        with open(tmp, 'rb') as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_bytes(path: str, data: bytes) -> str:
    """Write ``data`` to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        with open(tmp, 'wb') as f:
            f.write(data)
    return path


def write_text(path: str, text: str) -> str:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)
    return path


def write_json(path: str, obj, indent: int | None = 1) -> str:
    """Write ``obj`` as JSON (and a final newline) to ``path`` atomically; returns ``path``."""
    return write_text(path, json.dumps(obj, indent=indent, ensure_ascii=False) + '\n')
