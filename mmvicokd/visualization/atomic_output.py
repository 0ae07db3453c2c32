"""Write tool outputs atomically: a temporary file beside the target, then ``os.replace``."""
import json
import os
import tempfile
from contextlib import contextmanager


@contextmanager
def atomic_path(path: str):
    """Yield a temporary path in ``path``'s folder; on success rename it to ``path``.

    The folder is created. On an error the temporary file is removed and ``path`` is left
    as it was.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp',
                               dir=folder)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_text(path: str, text: str) -> str:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        with open(tmp, 'w', encoding='utf-8') as f:
            f.write(text)
    return path


def write_json(path: str, obj, indent: int = 1) -> str:
    """Write ``obj`` as JSON to ``path`` atomically; returns ``path``."""
    return write_text(path, json.dumps(obj, indent=indent, ensure_ascii=False) + '\n')


def save_figure(fig, path: str, dpi: int = 100) -> str:
    """Save a matplotlib ``Figure`` as PNG to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png', dpi=dpi)
    return path
