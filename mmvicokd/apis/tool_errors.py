"""How the user tools turn an expected failure into one clear line."""

#: Failures of bad input (files, configs, checkpoints, arguments) the tools report in one line.
USER_ERRORS = (ValueError, KeyError, FileNotFoundError, RuntimeError, TypeError)


def error_line(tool: str, err: BaseException) -> str:
    """``'<tool>: error: <message>'``; a ``KeyError``'s message without the quotes it adds."""
    message = err.args[0] if isinstance(err, KeyError) and err.args else str(err)
    return f'{tool}: error: {message}'
