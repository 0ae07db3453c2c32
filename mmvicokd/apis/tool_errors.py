"""How the user tools turn an expected failure into one clear line."""
from typing import Any, Callable, TypeVar

T = TypeVar('T')

#: Failures of bad input (files, configs, checkpoints, arguments) the tools report in one line.
USER_ERRORS = (ValueError, KeyError, FileNotFoundError, RuntimeError, TypeError)


def error_line(tool: str, err: BaseException) -> str:
    """``'<tool>: error: <message>'``; a ``KeyError``'s message without the quotes it adds."""
    message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
    return f'{tool}: error: {message}'


def run_tool(tool: str, func: Callable[[Any], T], args: Any) -> T:
    """``func(args)``; bad input (:data:`USER_ERRORS`) exits with :func:`error_line` instead."""
    try:
        return func(args)
    except USER_ERRORS as err:
        raise SystemExit(error_line(tool, err)) from err
