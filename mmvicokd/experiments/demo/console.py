"""What ``tools/demo.py`` shows on the console: one line per set-up step and per run.

Everything else a step or a run prints (MMEngine's environment block, config dump and
iteration logs, progress bars, warnings, C libraries' messages) goes to a log file in its work
dir: :func:`captured_output` points the process's file descriptors 1 and 2 there, so child
processes (data loader workers) follow. A run that fails prints the tail of its log and where
the rest is.
"""
import contextlib
import os
import os.path as osp
import sys
import time
from typing import Iterator, TextIO

from mmengine.hooks import Hook

TAIL_LINES = 20
CONSOLE_LOG = 'console.log'
#: text streams on descriptors 1 and 2 that never close them
_FD_STREAMS = {fd: os.fdopen(fd, 'w', buffering=1, closefd=False) for fd in (1, 2)}


@contextlib.contextmanager
def captured_output(log_path: str) -> Iterator[TextIO]:
    """Inside the block, stdout and stderr (descriptors 1 and 2) append to ``log_path``.

    Yields:
        a line-buffered text stream on the console the process had before the block.
    """
    os.makedirs(osp.dirname(osp.abspath(log_path)), exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    streams = sys.stdout, sys.stderr
    console = os.fdopen(os.dup(saved[0]), 'w', buffering=1)
    try:
        with open(log_path, 'ab') as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            # Python's streams write to the descriptors too (a test runner may have replaced
            # them); loggers made inside the block keep these, which follow fd 1 and 2 after it
            sys.stdout, sys.stderr = _FD_STREAMS[1], _FD_STREAMS[2]
            try:
                yield console
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                sys.stdout, sys.stderr = streams
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
    finally:
        for fd in saved:
            os.close(fd)
        console.close()


def log_tail(path: str, lines: int = TAIL_LINES) -> str:
    """The last ``lines`` lines of ``path`` (carriage-return progress updates folded)."""
    if not osp.isfile(path):
        return f'({path} was not written)'
    with open(path, errors='replace', newline='') as f:
        text = [line.rsplit('\r', 1)[-1] for line in f.read().rstrip('\n').split('\n')]
    return '\n'.join(text[-lines:])


def failure_message(label: str, log_path: str) -> str:
    """What the console shows when ``label``'s step failed: its log's tail and where it is."""
    return (f'[demo] {label} failed; the last {TAIL_LINES} lines of its log follow, the whole '
            f'log is {log_path}\n{log_tail(log_path)}')


class RunProgress(Hook):
    """Rewrites one console line (``\\r``) with a run's epoch, iteration and elapsed time.

    Only with ``live`` (one process of several draws), on a terminal, and at most every
    ``interval`` seconds; elsewhere (a CI log, a pipe) the run's closing line is all the
    console gets.
    """

    priority = 'VERY_LOW'

    def __init__(self, console: TextIO, label: str, live: bool = True, interval: float = 1.0):
        self.console = console
        self.label = label
        self.interval = interval
        self.start = time.time()
        self.shown = 0.0
        self.live = live and console.isatty()

    def _show(self, runner, force: bool = False) -> None:
        now = time.time()
        if not self.live or (not force and now - self.shown < self.interval):
            return
        self.shown = now
        self.console.write(f'\r{self.label}: epoch {runner.epoch + 1}/{runner.max_epochs}, '
                           f'iteration {runner.iter}/{runner.max_iters}, '
                           f'{now - self.start:.0f} s ')

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        self._show(runner)

    def after_train_epoch(self, runner) -> None:
        self._show(runner, force=True)

    def after_train(self, runner) -> None:
        if self.live:
            self.console.write('\r\033[K')  # the closing line replaces the progress line
