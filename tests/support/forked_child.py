"""Asking a forked child a question from a test, with every wait bounded.

Tests of what survives :func:`os.fork` run their check in the child and read
its answer through a pipe; a child that hangs fails the test instead of
hanging the suite.
"""

import os
import select
import signal


def read_all(fd, timeout):
    """What the child writes to ``fd`` until it closes it, waiting at most ``timeout`` s."""
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            raise AssertionError("the forked child did not answer in time")
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def answer_from_a_child(answer, timeout=30):
    """Fork; the child writes ``answer()`` (a str) to a pipe; return it."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer, then leave without pytest's cleanup
        try:
            os.close(read_fd)
            os.write(write_fd, answer().encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        return read_all(read_fd, timeout).decode()
    except AssertionError:
        os.kill(pid, signal.SIGKILL)  # so the wait below is bounded too
        raise
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
