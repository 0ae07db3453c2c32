"""Keep ultralytics offline and out of the home folder (docs/design.md section 7).

ultralytics reaches the network at import and when plotting unless ``YOLO_OFFLINE=1`` and
``YOLO_AUTOINSTALL=0`` are set, writes its settings under ``YOLO_CONFIG_DIR``, and downloads
``Arial.ttf`` into that folder the first time it draws text. :func:`prepare_ultralytics_env`
sets the variables (keeping values the user already set) and places a local TTF font there, so
it must run before ``ultralytics`` is imported.
"""
import os
import shutil

from ..utils.atomic_files import atomic_path


def default_config_dir() -> str:
    """``$XDG_CACHE_HOME/mmvicokd/ultralytics`` (``~/.cache`` when XDG_CACHE_HOME is unset)."""
    cache = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(cache, 'mmvicokd', 'ultralytics')


def local_font() -> str:
    """Path of a TTF font shipped with matplotlib (a dependency of ultralytics)."""
    import matplotlib

    path = os.path.join(matplotlib.get_data_path(), 'fonts', 'ttf', 'DejaVuSans.ttf')
    if not os.path.isfile(path):
        raise FileNotFoundError(f'no local TTF font for ultralytics: {path} is missing')
    return path


def prepare_ultralytics_env() -> str:
    """Set the offline variables, place ``Arial.ttf`` and return ``YOLO_CONFIG_DIR``."""
    os.environ.setdefault('YOLO_OFFLINE', '1')
    os.environ.setdefault('YOLO_AUTOINSTALL', '0')
    config_dir = os.environ.setdefault('YOLO_CONFIG_DIR', default_config_dir())
    font = os.path.join(config_dir, 'Ultralytics', 'Arial.ttf')
    if not os.path.isfile(font):
        with atomic_path(font) as tmp:
            shutil.copyfile(local_font(), tmp)
    return config_dir
