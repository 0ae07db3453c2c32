"""A lock file per run, so that several ``tools/demo.py`` processes can share one benchmark.

``<work_dir>/.demo_lock`` is created with ``O_EXCL`` and holds the owner's PID. A lock whose
process no longer exists (a killed run) is stale and is taken over; the run then resumes from
its last checkpoint as usual.
"""
import errno
import os
import os.path as osp
from typing import Optional

LOCK_FILE = '.demo_lock'


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _owner(path: str) -> Optional[int]:
    try:
        with open(path) as f:
            return int(f.read().strip() or 0) or None
    except (FileNotFoundError, ValueError):
        return None


class RunLock:
    """Exclusive ownership of one run's work dir; use :meth:`acquire` then :meth:`release`
    (or ``with``). ``acquire`` returns False when a live process holds the run."""

    def __init__(self, work_dir: str):
        self.path = osp.join(work_dir, LOCK_FILE)
        self.held = False

    def acquire(self) -> bool:
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        for _ in range(2):  # a second try after removing a stale lock
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except OSError as err:
                if err.errno != errno.EEXIST:
                    raise
                owner = _owner(self.path)
                if owner is not None and (owner == os.getpid() or _alive(owner)):
                    return False
                try:  # stale: its process is gone
                    os.remove(self.path)
                except FileNotFoundError:
                    pass
                continue
            with os.fdopen(fd, 'w') as f:
                f.write(str(os.getpid()))
            self.held = True
            return True
        return False

    def owner(self) -> Optional[int]:
        """PID written in the lock file, if any."""
        return _owner(self.path)

    def release(self) -> None:
        if self.held:
            try:
                os.remove(self.path)
            except FileNotFoundError:
                pass
            self.held = False

    def __enter__(self) -> 'RunLock':
        return self

    def __exit__(self, *exc) -> None:
        self.release()
