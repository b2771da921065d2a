"""Where a span's limits are enforced: oldest-first eviction, drop counts, value truncation.

:class:`~opentelemetry.sdk.trace.SpanLimits` (``limits.py``) says how much a
span may hold; this module is the one place that keeps it to that. The span's
attributes, events and links, and the attributes of each event and link, go
through these functions: past a limit the oldest entry is evicted and the
drop is counted, so exporters can report it; ``str`` values longer than
``max_attribute_length`` are cut.

Counting takes a lock (a drop is rare, and a count must not be lost to two
threads adding at once); the lock is re-entrant, for a signal handler that
records on a span, and new in a forked child.
"""

from __future__ import annotations

import collections
import threading

from .._fork_safety import call_after_fork

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Deque, Dict, List, Optional, Tuple, TypeVar

    _T = TypeVar("_T")

__all__ = [
    "DropCounts",
    "append_evicting",
    "count_drops",
    "keep_newest",
    "keep_newest_entries",
    "set_evicting",
    "truncate_attribute_value",
]

_lock = threading.RLock()


def _renew_lock_in_child() -> None:
    """A child forked while another thread held the lock gets a free one."""
    global _lock  # pylint: disable=global-statement
    _lock = threading.RLock()


call_after_fork(_renew_lock_in_child)


class DropCounts:
    """How many attributes, events and links a span's limits dropped.

    Made on a span's first drop only: most spans drop nothing, and one slot
    holding ``None`` costs less per span than three counters.
    """

    __slots__ = ("attributes", "events", "links")

    def __init__(self) -> None:
        self.attributes = 0
        self.events = 0
        self.links = 0


def count_drops(counts: Optional[DropCounts], what: str, dropped: int) -> DropCounts:
    """``counts`` (made if ``None``) with ``dropped`` more of ``what`` counted."""
    with _lock:
        if counts is None:
            counts = DropCounts()
        setattr(counts, what, getattr(counts, what) + dropped)
    return counts


def set_evicting(attributes: Dict[str, Any], key: str, value: Any, limit: int) -> int:
    """Set ``key`` as the newest entry, evicting the oldest past ``limit``.

    Returns how many entries were dropped: the evicted one, or the new one
    itself when the limit allows none.
    """
    if key in attributes:
        # An update makes the entry the newest, so eviction takes the
        # least recently set attribute.
        attributes.pop(key, None)
    elif len(attributes) >= limit:
        if limit <= 0:
            return 1
        with _lock:
            while len(attributes) >= limit:
                del attributes[next(iter(attributes))]
        attributes[key] = value
        return 1
    attributes[key] = value
    return 0


def append_evicting(items: Optional[Deque[_T]], item: _T, limit: int) -> Tuple[Deque[_T], int]:
    """``items`` (made if ``None``) with ``item`` appended, and how many were evicted."""
    if items is None:
        items = collections.deque(maxlen=max(limit, 0))
    dropped = 1 if len(items) >= (items.maxlen or 0) else 0
    items.append(item)
    return items, dropped


def keep_newest(items: List[_T], limit: int) -> Tuple[List[_T], int]:
    """The last ``limit`` of ``items``, and how many older ones were dropped."""
    dropped = len(items) - max(limit, 0)
    if dropped > 0:
        return items[dropped:], dropped
    return items, 0


def keep_newest_entries(entries: Dict[str, Any], limit: int) -> int:
    """Drop the oldest of ``entries`` past ``limit``, in place; how many were dropped."""
    dropped = len(entries) - max(limit, 0)
    if dropped <= 0:
        return 0
    for key in list(entries)[:dropped]:
        del entries[key]
    return dropped


def truncate_attribute_value(value: Any, max_length: int) -> Any:
    """A stored value with its strings cut to ``max_length`` characters.

    A ``str`` is cut; a list of ``str`` becomes a list of cut strings; other
    values are returned unchanged.
    """
    if type(value) is str:
        return value[:max_length]  # a str no longer than that comes back as the same object
    if type(value) is list and value and type(value[0]) is str:
        return [element[:max_length] for element in value]
    return value
