"""The configs that ship with the package, as mmaction2 ships its own (``mmaction/.mim/``).

``mmvicokd/.mim/configs`` is a link to the checkout's ``configs/`` in a clone (so an editable
install reads the files being edited) and a copy of them in a built wheel
(``[tool.setuptools.package-data]`` in pyproject.toml). The experiment drivers (the demo, the
study, the speed benchmarks) read their configs from here, never by walking up from the package.
"""
import os.path as osp

PACKAGE_CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), '.mim', 'configs')


def package_config(rel: str) -> str:
    """The path of ``configs/<rel>`` as the installed package holds it.

    Args:
        rel: a path under ``configs/``, e.g. ``'demo/teacher_multiasl_synthetic_av_f.py'``.

    Raises:
        FileNotFoundError: the package holds no such config (or no configs at all: a copy
            installed from a wheel built without them); the message names the path.
    """
    path = osp.join(PACKAGE_CONFIGS, rel)
    if not osp.exists(path):
        raise FileNotFoundError(
            f'{path}: the package ships no config configs/{rel} (mmvicokd/.mim/configs links to '
            'the checkout\'s configs/ and is copied into a built wheel); reinstall from a clone '
            'with pip install -e . or pip install .')
    return path
