"""Helper processes of ``tools/demo.py --jobs``: thread split, failure and interruption."""
import subprocess
import sys

import pytest

from mmvicokd.experiments.demo.parallel import stop_helpers, threads_per_job, wait_helpers


def test_threads_are_split_between_jobs():
    assert threads_per_job(2, cpus=2) == 1
    assert threads_per_job(2, cpus=16) == 8
    assert threads_per_job(3, cpus=2) == 1  # never fewer than one
    assert threads_per_job(1, cpus=4) == 4
    with pytest.raises(ValueError, match='--jobs must be at least 1, got 0'):
        threads_per_job(0)


def _python(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, '-c', code])


def test_wait_returns_when_every_helper_succeeded():
    helpers = [_python('pass'), _python('pass')]
    wait_helpers(helpers)
    assert [p.returncode for p in helpers] == [0, 0]


def test_a_failed_helper_is_an_error_naming_it():
    helpers = [_python('pass'), _python('raise SystemExit(3)')]
    with pytest.raises(RuntimeError, match=r'job 2 \(pid \d+\) exited with status 3.*rerun'):
        wait_helpers(helpers)


def test_stop_terminates_running_helpers():
    helpers = [_python('import time; time.sleep(60)')]
    stop_helpers(helpers)
    assert helpers[0].returncode is not None and helpers[0].returncode != 0
