"""A distributed context: entries that follow a request across services."""

import logging
from typing import Dict, Iterable, Optional

from .entry import Entry, EntryKey, EntryValue

__all__ = ["DistributedContext"]

logger = logging.getLogger(__name__)


class DistributedContext:
    """An immutable set of entries, at most one per key.

    Applications put request-scoped labels here (a user id, a tenant, a
    feature flag) so that every service the request reaches can read them.
    Given two entries with the same key, the later one wins; anything that
    is not an :class:`~opentelemetry.distributedcontext.Entry` is dropped
    with a warning.
    """

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self._entries: Dict[EntryKey, Entry] = {}
        for entry in entries:
            if isinstance(entry, Entry):
                self._entries[entry.key] = entry
            else:
                logger.warning("Dropped %r from a distributed context: not an Entry", entry)

    def get_entries(self) -> Iterable[Entry]:
        """Every entry, in the order first given."""
        return tuple(self._entries.values())

    def get_entry_value(self, key: EntryKey) -> Optional[EntryValue]:
        """The value under ``key``, or ``None``."""
        entry = self._entries.get(key)
        return None if entry is None else entry.value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DistributedContext):
            return NotImplemented
        return self._entries == other._entries

    def __hash__(self) -> int:
        return hash(tuple(self._entries.values()))

    def __repr__(self) -> str:
        return "DistributedContext({!r})".format(list(self._entries.values()))
