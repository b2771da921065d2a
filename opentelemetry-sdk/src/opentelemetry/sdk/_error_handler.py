"""The one place where failures of processors and exporters are reported.

A broken exporter fails on every span; logging each failure would flood the
log and slow the application down. Each distinct message is logged with its
traceback the first time, then at most once a minute with the number of
repeats left out in between.
"""

import logging
import threading
import time
from typing import Any, Dict, List

__all__ = ["report_exception"]

_INTERVAL_SECONDS = 60.0
_lock = threading.Lock()
# message -> [monotonic time last logged, repeats left out since]
_last_logged: Dict[str, List[Any]] = {}


def report_exception(logger: logging.Logger, message: str, *args: Any) -> None:
    """Log the exception being handled, rate-limited per formatted message."""
    try:
        text = message % args
    except Exception:  # a broken __repr__ in args must not hide the failure
        text = message
    now = time.monotonic()
    with _lock:
        state = _last_logged.get(text)
        if state is not None and now - state[0] < _INTERVAL_SECONDS:
            state[1] += 1
            return
        left_out = 0 if state is None else state[1]
        _last_logged[text] = [now, 0]
    if left_out:
        text += " ({} more times since last logged)".format(left_out)
    logger.exception("%s", text)
