"""The demo's console: output captured at the file-descriptor level into a run's log, one line
per run, and the tail of the log when a run fails."""
import io
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from mmvicokd.experiments.demo.console import (TAIL_LINES, RunProgress, captured_output,
                                               failure_message, log_tail)


def test_python_c_level_and_child_output_go_to_the_log(tmp_path, capfd):
    log = tmp_path / 'run' / 'console.log'
    with captured_output(str(log)) as console:
        print('from python')
        print('to stderr', file=sys.stderr)
        os.write(1, b'from the file descriptor\n')
        subprocess.run([sys.executable, '-c', 'print("from a child")'], check=True)
        console.write('on the console\n')
    print('after the block')
    text = log.read_text()
    for line in ('from python', 'to stderr', 'from the file descriptor', 'from a child'):
        assert line in text
    assert 'on the console' not in text and 'after the block' not in text
    shown = capfd.readouterr()
    assert shown.out == 'on the console\nafter the block\n' and shown.err == ''


def test_output_is_restored_when_the_block_raises(tmp_path, capfd):
    log = tmp_path / 'console.log'
    with pytest.raises(RuntimeError, match='boom'):
        with captured_output(str(log)):
            print('before the error')
            raise RuntimeError('boom')
    print('visible again')
    assert capfd.readouterr().out == 'visible again\n'
    assert 'before the error' in log.read_text()


def test_failure_message_has_the_tail_and_the_path(tmp_path):
    log = tmp_path / 'console.log'
    log.write_text(''.join(f'line {k}\n' for k in range(50)) + 'bar 1/9\rbar 9/9\n')
    message = failure_message('[demo] run (seed 0)', str(log))
    lines = message.splitlines()
    assert str(log) in lines[0] and len(lines) == 1 + TAIL_LINES
    assert lines[-1] == 'bar 9/9' and lines[1] == 'line 31'
    assert 'was not written' in log_tail(str(tmp_path / 'missing.log'))


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_rewrites_one_line_on_a_terminal_only():
    runner = SimpleNamespace(epoch=2, max_epochs=10, iter=7, max_iters=40)
    terminal = _Terminal()
    hook = RunProgress(terminal, '[demo] teacher (seed 0)', live=True, interval=0.0)
    hook.after_train_iter(runner, 0)
    hook.after_train_epoch(runner)
    hook.after_train(runner)
    text = terminal.getvalue()
    assert '\n' not in text and text.count('\r') == 3
    assert '[demo] teacher (seed 0): epoch 3/10, iteration 7/40' in text
    for console, live in ((io.StringIO(), True), (_Terminal(), False)):
        quiet = RunProgress(console, 'x', live=live, interval=0.0)
        quiet.after_train_epoch(runner)
        quiet.after_train(runner)
        assert console.getvalue() == ''
