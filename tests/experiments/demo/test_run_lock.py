"""RunLock: one process per run; a lock left by a dead process is taken over."""
import os
import subprocess
import sys

from mmvicokd.experiments.demo.run_lock import LOCK_FILE, RunLock


def test_second_holder_is_refused_until_release(tmp_path):
    first, second = RunLock(str(tmp_path)), RunLock(str(tmp_path))
    assert first.acquire()
    assert first.owner() == os.getpid()
    assert not second.acquire()  # held by a live process (this one)
    first.release()
    assert not (tmp_path / LOCK_FILE).exists()
    with second:
        assert second.acquire() and second.held
        assert not RunLock(str(tmp_path)).acquire()
    assert not (tmp_path / LOCK_FILE).exists()  # released on leaving the block


def test_lock_of_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          capture_output=True, text=True, check=True)
    (tmp_path / LOCK_FILE).write_text(dead.stdout.strip())
    lock = RunLock(str(tmp_path))
    assert lock.acquire()
    assert lock.owner() == os.getpid()
    lock.release()


def test_live_holder_in_another_process_blocks(tmp_path):
    holder = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])
    try:
        (tmp_path / LOCK_FILE).write_text(str(holder.pid))
        assert not RunLock(str(tmp_path)).acquire()
    finally:
        holder.kill()
        holder.wait()
    assert RunLock(str(tmp_path)).acquire()  # its process is gone now
