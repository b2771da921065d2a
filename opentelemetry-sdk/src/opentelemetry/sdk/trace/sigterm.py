"""Export the queued spans when the process is asked to stop with ``SIGTERM``.

Spans go out in batches; the last batch is exported when the interpreter
exits normally. ``SIGTERM`` (what ``kill``, systemd, Docker and Kubernetes
send) kills a Python process at once unless it handles the signal, and the
queued spans die with it. :func:`flush_on_sigterm` is the opt-in remedy: it
exports them, then lets the signal do what it did before.
"""

from __future__ import annotations

import logging
import os
import signal
import threading

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import FrameType
    from typing import Callable, Optional

    from .tracer_source import TracerSource

__all__ = ["flush_on_sigterm"]

logger = logging.getLogger(__name__)


def _run_bounded(work: Callable[[], object], timeout_millis: int) -> None:
    """Run ``work`` on its own thread and wait at most ``timeout_millis`` for it.

    A signal handler interrupts the main thread anywhere, possibly while it
    holds a lock ``work`` needs: waiting on another thread, with a bound,
    turns that deadlock into lost spans.
    """
    thread = threading.Thread(target=work, name="flush on SIGTERM", daemon=True)
    thread.start()
    thread.join(timeout_millis / 1000)
    if thread.is_alive():
        logger.warning("Spans not exported within %d ms of SIGTERM", timeout_millis)


def flush_on_sigterm(source: TracerSource, timeout_millis: int = 30000) -> bool:
    """On ``SIGTERM``, export the spans ``source`` holds, then handle the signal as before.

    With the default handling (the process dies), ``source`` is shut down,
    which exports what is queued, and the process then dies of the signal as
    it would have, exit status included. With a handler the program already
    installed (a server's graceful stop), ``source`` is flushed and that
    handler called: the process goes on as the handler decides, and its
    later spans are exported as usual. Either wait is bounded by
    ``timeout_millis``. A ``SIGTERM`` the program ignores stays ignored, and
    nothing is installed.

    Call it from the main thread, after the program's own ``SIGTERM``
    handler, if any, is installed. Returns whether the handler was
    installed; when it cannot be (another thread, a handler installed
    outside Python), the reason is logged.
    """
    if threading.current_thread() is not threading.main_thread():
        logger.error("flush_on_sigterm() must be called from the main thread; not installed")
        return False
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN:
        return False
    if previous is None:
        logger.error("SIGTERM has a handler from outside Python; flush_on_sigterm not installed")
        return False

    def handle(signum: int, frame: Optional[FrameType]) -> None:
        if callable(previous):
            _run_bounded(lambda: source.force_flush(timeout_millis), timeout_millis)
            previous(signum, frame)
            return
        _run_bounded(source.shutdown, timeout_millis)
        # Die of the signal as the default handling would: supervisors read the status.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    signal.signal(signal.SIGTERM, handle)
    return True
