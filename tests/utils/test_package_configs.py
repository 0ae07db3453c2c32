"""The configs ship inside the package (mmvicokd/.mim/configs), as mmaction2's do."""
import glob
import os.path as osp
import tomllib

import pytest

from mmvicokd.utils.package_configs import PACKAGE_CONFIGS, package_config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_package_configs_are_the_checkouts():
    assert osp.realpath(PACKAGE_CONFIGS) == osp.realpath(osp.join(REPO, 'configs'))
    path = package_config('demo/teacher_multiasl_synthetic_av_f.py')
    with open(path) as a, open(osp.join(REPO, 'configs', 'demo',
                                        'teacher_multiasl_synthetic_av_f.py')) as b:
        assert a.read() == b.read()


def test_package_data_patterns_cover_every_config_file():
    """A built wheel copies what pyproject's package-data patterns match under .mim/configs."""
    with open(osp.join(REPO, 'pyproject.toml'), 'rb') as f:
        patterns = tomllib.load(f)['tool']['setuptools']['package-data']['mmvicokd']
    package = osp.join(REPO, 'mmvicokd')
    shipped = {osp.relpath(p, package) for pattern in patterns
               for p in glob.glob(osp.join(package, pattern), recursive=True)}
    files = {osp.relpath(p, osp.join(REPO, 'configs'))
             for p in glob.glob(osp.join(REPO, 'configs', '**', '*'), recursive=True)
             if osp.isfile(p)}
    assert files and {osp.join('.mim', 'configs', f) for f in files} == shipped


def test_missing_config_is_one_clear_error():
    with pytest.raises(FileNotFoundError, match='ships no config configs/demo/nope.py'):
        package_config('demo/nope.py')
