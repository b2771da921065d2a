"""Whether this thread is making a processor's last exports, at shutdown.

An exporter may treat a failure it would otherwise retry as final then:
when nothing listens at the backend's address (a refused connection),
nobody at exit wants to wait out the retries for it to come back.
"""

import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["exporting_at_shutdown", "shutdown_exports"]

_state = threading.local()


def exporting_at_shutdown() -> bool:
    """Whether the exports this thread makes now are its processor's last."""
    return getattr(_state, "at_shutdown", False)


@contextmanager
def shutdown_exports() -> Iterator[None]:
    """Marks the exports made in the ``with`` block, on this thread, as the last."""
    _state.at_shutdown = True
    try:
        yield
    finally:
        _state.at_shutdown = False
