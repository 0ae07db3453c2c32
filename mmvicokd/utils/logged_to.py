"""Copy what MMEngine's current logger writes to a file, for the length of a ``with`` block."""
import logging
from contextlib import contextmanager

from mmengine.logging import MMLogger


@contextmanager
def logged_to(path: str):
    """Add a file handler for ``path`` to MMEngine's current logger (this process, and the
    DataLoader workers forked from it, which inherit the open file); removed on exit."""
    logger = MMLogger.get_current_instance()
    handler = logging.FileHandler(path)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
