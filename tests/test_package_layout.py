"""The package's layers import only downwards (docs/design.md section 6), and module file names
are unique apart from the two conventions (``__init__.py``, ``functional.py``)."""
import ast
import collections
import os
import os.path as osp

PACKAGE = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'mmvicokd')

#: What each subpackage may import from the others (docs/design.md section 6).
ALLOWED = dict(
    utils=set(),
    datasets={'utils'},
    models={'utils'},
    evaluation={'utils'},
    visualization={'utils'},
    detection={'datasets', 'utils'},
    engine={'datasets', 'models', 'evaluation', 'utils'},
    apis={'datasets', 'models', 'visualization', 'utils'},
    deploy={'apis', 'models', 'utils'},
    experiments={'apis', 'datasets', 'engine', 'evaluation', 'models', 'visualization',
                 'utils'},
)


def _modules():
    for base, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith('.py'):
                yield osp.join(base, name)


def imports_between_subpackages() -> dict:
    """``{subpackage: {subpackage it imports}}``, relative imports resolved."""
    found = collections.defaultdict(set)
    for path in _modules():
        parts = osp.relpath(path, osp.dirname(PACKAGE))[:-3].split(os.sep)
        package = parts[:-1]  # the module's package (an __init__.py's own package too)
        if len(parts) < 3:  # mmvicokd/__init__.py, mmvicokd/compat.py: the top level
            continue
        with open(path) as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    target = package[:len(package) - node.level + 1]
                    target += node.module.split('.') if node.module else []
                else:
                    target = node.module.split('.')
            elif isinstance(node, ast.Import):
                target = node.names[0].name.split('.')
            else:
                continue
            if target[0] == 'mmvicokd' and len(target) > 1 and target[1] != parts[1]:
                found[parts[1]].add(target[1])
    return found


def test_subpackages_import_only_their_lower_layers():
    found = imports_between_subpackages()
    assert set(found) <= set(ALLOWED), sorted(set(found) - set(ALLOWED))
    for package, targets in found.items():
        assert targets <= ALLOWED[package], (package, sorted(targets - ALLOWED[package]))


def test_the_data_layer_builds_no_model():
    assert 'models' not in imports_between_subpackages()['datasets']


def test_module_names_are_unique_but_the_conventions():
    names = collections.Counter(osp.basename(p) for p in _modules())
    shared = sorted(n for n, count in names.items() if count > 1)
    assert set(shared) <= {'__init__.py', 'functional.py'}, shared
