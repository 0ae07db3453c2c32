"""Run a tool and SIGKILL it while it writes: ``python kill_at_replace.py SUFFIX N TOOL ARGS...``.

At the N-th ``os.replace`` whose destination ends with SUFFIX (the moment an atomic writer
renames a finished temporary file into place) the temporary file is cut to half its size, as a
kill during the write leaves it, and the process kills itself with SIGKILL: no handler, no
``finally`` block runs. A tool that writes in place never calls ``os.replace``, so it is not
killed and the caller's check of the exit status (-9) fails.
"""
import os
import runpy
import signal
import sys


def main() -> None:
    suffix, nth, tool = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.argv = [tool, *sys.argv[4:]]
    real_replace, calls = os.replace, []

    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith(suffix):
            calls.append(dst)
            if len(calls) == nth:
                os.truncate(src, os.path.getsize(src) // 2)
                os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst, *args, **kwargs)

    os.replace = replace
    runpy.run_path(tool, run_name='__main__')


if __name__ == '__main__':
    main()
