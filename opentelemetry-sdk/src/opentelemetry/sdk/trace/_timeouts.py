"""Checking the timeouts and intervals the application passes in.

A timeout reaches ``threading`` waits, which raise on ``nan``, on ``inf`` and
on anything above :data:`threading.TIMEOUT_MAX`; a flush must return a
result, not raise. Bad values are logged and replaced here, where they
enter.
"""

from __future__ import annotations

import logging
import threading

__all__ = ["MAX_WAIT_MILLIS", "checked_timeout_millis"]

logger = logging.getLogger(__name__)

#: The longest wait, in milliseconds, that every ``threading`` wait accepts.
MAX_WAIT_MILLIS = int(threading.TIMEOUT_MAX) * 1000 // 2


def checked_timeout_millis(name: str, value: object, default: int) -> float:
    """``value`` as milliseconds from 0 to :data:`MAX_WAIT_MILLIS`.

    Not a number (``None``, a string, a bool) or ``nan``: ``default``.
    Negative: 0. Larger than the maximum (``inf`` too): the maximum. Each
    replacement is logged.
    """
    if type(value) is int or type(value) is float:
        if value != value:
            logger.warning("%s is nan; using %d ms", name, default)
            return default
        if value < 0:
            logger.warning("%s %r is negative; using 0 ms", name, value)
            return 0
        if value > MAX_WAIT_MILLIS:
            logger.warning("%s %r is too large; using %d ms", name, value, MAX_WAIT_MILLIS)
            return MAX_WAIT_MILLIS
        return value
    logger.warning(
        "%s of type %s is not a number of ms; using %d ms", name, type(value).__name__, default
    )
    return default
