"""The source checkout the experiment drivers read ``configs/`` from."""
import os.path as osp

_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def source_tree() -> str:
    """The repository folder that holds this package, ``configs/`` and ``tools/``.

    The demo, the study and the speed benchmarks build their runs from ``configs/`` of the
    checkout (as ``tools/train.py CONFIG`` does); an installed copy of the package has none.

    Raises:
        FileNotFoundError: ``configs/`` is not beside the package (installed without its
            checkout); the message says to run from a clone.
    """
    if not osp.isdir(osp.join(_ROOT, 'configs')):
        raise FileNotFoundError(
            f'no configs/ folder in {_ROOT}: the experiment drivers (tools/demo.py, '
            'tools/benchmark.py) run from a clone of the repository, where the package is '
            'installed in editable mode (pip install -e .)')
    return _ROOT
