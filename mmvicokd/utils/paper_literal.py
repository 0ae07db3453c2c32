"""Apply the paper's literal reading (``configs/_base_/paper_literal.py``) to a config.

``tools/train.py CONFIG --paper-literal`` and ``tools/test.py`` call :func:`apply_paper_literal`.
Each switch of the file's ``paper_literal`` list is ``dict(key, where, value)``: ``key`` is a
dotted path whose last part is set to ``value`` in every dict at that place whose ``type`` is
``where``. ``recognizer.`` stands for the model when it is a recognizer, and for a distiller's
``student`` and ``teacher`` (a teacher given as a config file is loaded and inlined, so the
frozen teacher is built as it was trained with the switches); ``*`` stands for every element of
a list or every value of a dict. Places that do not exist are skipped, so one file serves every
method. docs/design.md, "Paper → this repo", lists each switch with its reason.
"""
from typing import Any, Iterator, List, Tuple

from .package_configs import package_config

DISTILLER = 'ViCoKDDistiller'


def load_switches(path: str = None) -> List[dict]:
    """The ``paper_literal`` list of ``path`` (default: the package's
    ``configs/_base_/paper_literal.py``)."""
    from mmengine.config import Config
    path = path or package_config('_base_/paper_literal.py')
    switches = Config.fromfile(path).get('paper_literal')
    if not switches:
        raise ValueError(f'{path} defines no `paper_literal` list of switches')
    for switch in switches:
        if set(switch) != {'key', 'where', 'value'}:
            raise ValueError(f'{path}: a switch needs exactly key, where and value; got '
                             f'{dict(switch)}')
    return [dict(s) for s in switches]


def _places(node: Any, parts: List[str], path: str) -> Iterator[Tuple[str, Any]]:
    """``(path, container)`` for every container reached by ``parts`` (``*`` = every item)."""
    if not parts:
        yield path, node
        return
    head, rest = parts[0], parts[1:]
    if head == '*':
        items = (node.items() if hasattr(node, 'items')
                 else enumerate(node) if isinstance(node, (list, tuple)) else ())
        for name, child in items:
            yield from _places(child, rest, f'{path}.{name}')
    elif hasattr(node, 'get') and node.get(head) is not None:
        yield from _places(node[head], rest, f'{path}.{head}' if path else head)


def _recognizer_roots(cfg) -> List[Tuple[str, Any]]:
    """Where ``recognizer.`` points: the model, or a distiller's student and teacher."""
    from mmengine.config import Config
    model = cfg.model
    if model.get('type') != DISTILLER:
        return [('model', model)]
    teacher = model.get('teacher')
    if isinstance(teacher, str):
        model.teacher = Config.fromfile(teacher).model
    return [('model.student', model.student), ('model.teacher', model.teacher)]


def apply_paper_literal(cfg, switches: List[dict] = None) -> List[str]:
    """Set every switch of ``switches`` (default :func:`load_switches`) in ``cfg`` in place.

    Returns:
        the settings that changed, ``'<path> = <value>'`` each (a key the config did not
        set counts as None).
    """
    changes = []
    for switch in switches if switches is not None else load_switches():
        *parents, name = switch['key'].split('.')
        if parents[0] == 'recognizer':
            roots = [(path, root) for path, root in _recognizer_roots(cfg)]
            parents = parents[1:]
        else:
            roots = [('', cfg)]
        for root_path, root in roots:
            for path, place in _places(root, parents, root_path):
                if hasattr(place, 'get') and place.get('type') == switch['where']:
                    if place.get(name) != switch['value']:  # unset counts as None
                        changes.append(f'{path}.{name} = {switch["value"]!r}')
                    place[name] = switch['value']
    return changes
