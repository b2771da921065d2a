"""Small containers and helpers v0.3 code imports from the SDK.

:class:`BoundedList` and :class:`BoundedDict` keep at most ``maxlen``
entries, evicting the oldest and counting each eviction in ``dropped``, as
v0.3's spans did for their attributes, events and links. The spans here keep
their own leaner storage (see :class:`~opentelemetry.sdk.trace.SpanLimits`);
these remain for code that builds or reads them itself.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import MutableMapping, Sequence

from opentelemetry.util import ns_to_iso_str

from ._fork_safety import renew_locks_after_fork

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Deque, Iterable, Iterator, Mapping

__all__ = ["BoundedDict", "BoundedList", "ns_to_iso_str"]

logger = logging.getLogger(__name__)


def _checked_maxlen(maxlen: object) -> int:
    """``maxlen`` if it is an ``int`` of at least 0, else 0 (logged): never raises."""
    if type(maxlen) is int and maxlen >= 0:
        return maxlen
    logger.warning("maxlen %r is not an int >= 0; keeping nothing", maxlen)
    return 0


class BoundedList(Sequence):  # type: ignore[type-arg]
    """A list of at most ``maxlen`` items: appending past it evicts the oldest.

    ``dropped`` counts the evicted items. Safe to share between threads.
    """

    def __init__(self, maxlen: int) -> None:
        self.dropped = 0
        self._items: Deque[Any] = collections.deque(maxlen=_checked_maxlen(maxlen))
        # Held only around the container's own operations, never while calling out.
        self._lock = threading.Lock()
        renew_locks_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.Lock()

    @classmethod
    def from_seq(cls, maxlen: int, seq: Iterable[Any]) -> "BoundedList":
        """A bounded list of the last ``maxlen`` items of ``seq``."""
        bounded_list = cls(maxlen)
        bounded_list.extend(seq)
        return bounded_list

    def __repr__(self) -> str:
        return "{}({}, maxlen={})".format(type(self).__name__, list(self._items), self._items.maxlen)

    def __getitem__(self, index: Any) -> Any:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        with self._lock:
            return iter(list(self._items))

    def append(self, item: Any) -> None:
        """Add ``item`` at the end, evicting the oldest when full."""
        with self._lock:
            if len(self._items) == self._items.maxlen:
                self.dropped += 1
            self._items.append(item)

    def extend(self, seq: Iterable[Any]) -> None:
        """Add each item of ``seq`` at the end, evicting the oldest as needed."""
        items = list(seq)
        with self._lock:
            overflow = len(self._items) + len(items) - (self._items.maxlen or 0)
            if overflow > 0:
                self.dropped += overflow
            self._items.extend(items)


class BoundedDict(MutableMapping):  # type: ignore[type-arg]
    """A dict of at most ``maxlen`` entries: adding past it evicts the oldest.

    Setting a key again makes it the newest. ``dropped`` counts the evicted
    (and, with ``maxlen`` 0, the refused) entries. Safe to share between
    threads.
    """

    def __init__(self, maxlen: int) -> None:
        self.maxlen = _checked_maxlen(maxlen)
        self.dropped = 0
        self._entries: "dict[Any, Any]" = {}
        # Held only around the container's own operations, never while calling out.
        self._lock = threading.Lock()
        renew_locks_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.Lock()

    @classmethod
    def from_map(cls, maxlen: int, mapping: Mapping[Any, Any]) -> "BoundedDict":
        """A bounded dict of the last ``maxlen`` entries of ``mapping``."""
        bounded_dict = cls(maxlen)
        for key, value in dict(mapping).items():
            bounded_dict[key] = value
        return bounded_dict

    def __repr__(self) -> str:
        return "{}({}, maxlen={})".format(type(self).__name__, dict(self._entries), self.maxlen)

    def __getitem__(self, key: Any) -> Any:
        return self._entries[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        with self._lock:
            if self.maxlen == 0:
                self.dropped += 1
                return
            if key in self._entries:
                del self._entries[key]
            elif len(self._entries) >= self.maxlen:
                del self._entries[next(iter(self._entries))]
                self.dropped += 1
            self._entries[key] = value

    def __delitem__(self, key: Any) -> None:
        with self._lock:
            del self._entries[key]

    def __iter__(self) -> Iterator[Any]:
        with self._lock:
            return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
