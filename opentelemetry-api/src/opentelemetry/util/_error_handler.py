"""The one place where failures of code the library does not own are reported.

Both packages report through it: the API's propagators and implementation
loader, the SDK's samplers, processors, exporters and metrics. Bad input
from the caller is not a failure: it is logged where it is met. A broken
exporter fails on every span; logging each failure would flood the
log and slow the application down. Each message is logged the first time
(with its traceback, for an exception), then at most once a minute with the
number of repeats left out in between. A message is known by its logger and
its template (``"%s rejected spans: %s"``), not by its formatted text, so
failures that differ only in a count or in the server's words still count as
repeats. The table of messages is bounded: past ``_MAX_MESSAGES`` templates
(only possible with templates built at run time), the one logged longest ago
is forgotten.
"""

from __future__ import annotations

import logging
import os
import threading
import time

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Tuple

__all__ = ["report_exception", "report_failure"]

_INTERVAL_SECONDS = 60.0
_MAX_MESSAGES = 256
# Re-entrant: a signal handler may report a failure while this thread holds it.
_lock = threading.RLock()
# (logger name, template) -> [monotonic time last logged, repeats left out since],
# in the order last logged: dicts keep insertion order.
_last_logged: Dict[Tuple[str, str], List[Any]] = {}


def _reinit_lock_in_child() -> None:
    # Another thread may have held the lock when the process forked.
    global _lock
    _lock = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reinit_lock_in_child)


def _text_to_log(logger: logging.Logger, message: str, args: "tuple[Any, ...]") -> Optional[str]:
    """The formatted message if it is due to be logged now, else ``None``."""
    key = (logger.name, message)
    now = time.monotonic()
    with _lock:
        state = _last_logged.pop(key, None)
        if state is not None and now - state[0] < _INTERVAL_SECONDS:
            state[1] += 1
            _last_logged[key] = state
            return None
        left_out = 0 if state is None else state[1]
        if len(_last_logged) >= _MAX_MESSAGES:
            del _last_logged[next(iter(_last_logged))]
        _last_logged[key] = [now, 0]
    # Formatted outside the lock: the arguments' __repr__ is code we do not own.
    try:
        text = message % args
    except Exception:  # a broken __repr__ in args must not hide the failure
        text = message
    if left_out:
        text += " ({} more times since last logged)".format(left_out)
    return text


def report_exception(
    logger: logging.Logger, message: str, *args: Any, level: int = logging.ERROR
) -> None:
    """Log the exception being handled, rate-limited per logger and message template.

    ``level=logging.WARNING`` for a failure the library recovers from
    completely (a propagator whose carrier fails: the request goes on
    untraced).
    """
    text = _text_to_log(logger, message, args)
    if text is not None:
        logger.log(level, "%s", text, exc_info=True)


def report_failure(
    logger: logging.Logger, message: str, *args: Any, level: int = logging.WARNING
) -> None:
    """Log a failure that is not an exception (a warning by default), rate-limited likewise."""
    text = _text_to_log(logger, message, args)
    if text is not None:
        logger.log(level, "%s", text)
