"""Figures written atomically (:mod:`mmvicokd.utils.atomic_files`)."""
from ..utils.atomic_files import atomic_path


def save_figure(fig, path: str, dpi: int = 100) -> str:
    """Save a matplotlib ``Figure`` as PNG to ``path`` atomically; returns ``path``."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format='png', dpi=dpi)
    return path
