"""Entries of a distributed context: a key, a value and how far they travel.

The restrictions are those of the OpenTelemetry specification: keys and
values are printable ASCII (0x20 to 0x7E) of at most 255 characters, and a
key is not empty.
"""

import enum
import re

__all__ = ["Entry", "EntryKey", "EntryMetadata", "EntryTTL", "EntryValue", "PRINTABLE"]

#: The characters keys and values may hold: printable ASCII, space to tilde.
PRINTABLE = frozenset(chr(code) for code in range(0x20, 0x7F))

_PRINTABLE_KEY = re.compile(r"[\x20-\x7e]{1,255}\Z")
_PRINTABLE_VALUE = re.compile(r"[\x20-\x7e]{0,255}\Z")


class EntryKey(str):
    """The name of an entry: 1 to 255 printable ASCII characters.

    Build one with :meth:`create`, which checks the restrictions.
    """

    __slots__ = ()

    @staticmethod
    def create(value: str) -> "EntryKey":
        """``value`` as an entry key; :exc:`ValueError` if it is not a valid one."""
        if not isinstance(value, str) or _PRINTABLE_KEY.match(value) is None:
            raise ValueError(
                "An entry key is 1 to 255 printable ASCII characters, not {!r:.300}".format(value)
            )
        return EntryKey(value)


class EntryValue(str):
    """The value of an entry: at most 255 printable ASCII characters.

    Build one with :meth:`create`, which checks the restrictions.
    """

    __slots__ = ()

    @staticmethod
    def create(value: str) -> "EntryValue":
        """``value`` as an entry value; :exc:`ValueError` if it is not a valid one."""
        if not isinstance(value, str) or _PRINTABLE_VALUE.match(value) is None:
            raise ValueError(
                "An entry value is at most 255 printable ASCII characters, not {!r:.300}".format(
                    value
                )
            )
        return EntryValue(value)


class EntryTTL(enum.IntEnum):
    """How many process boundaries an entry crosses."""

    #: The entry stays in this process: formats never inject it.
    NO_PROPAGATION = 0
    #: The entry travels with every outgoing request.
    UNLIMITED_PROPAGATION = -1


class EntryMetadata:
    """Properties of an entry other than its key and value: its time to live.

    ``entry_ttl`` is an :class:`EntryTTL` or, as in v0.3, the int
    :attr:`NO_PROPAGATION` (0) or :attr:`UNLIMITED_PROPAGATION` (-1).
    """

    __slots__ = ("entry_ttl",)

    #: The entry stays in this process (v0.3's name for ``EntryTTL.NO_PROPAGATION``).
    NO_PROPAGATION = EntryTTL.NO_PROPAGATION
    #: The entry travels everywhere (v0.3's name for ``EntryTTL.UNLIMITED_PROPAGATION``).
    UNLIMITED_PROPAGATION = EntryTTL.UNLIMITED_PROPAGATION

    def __init__(self, entry_ttl: EntryTTL) -> None:
        self.entry_ttl = entry_ttl

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EntryMetadata):
            return NotImplemented
        return self.entry_ttl == other.entry_ttl

    def __hash__(self) -> int:
        return hash(self.entry_ttl)

    def __repr__(self) -> str:
        return "EntryMetadata(entry_ttl={!r})".format(self.entry_ttl)


class Entry:
    """One key and value of a distributed context, with its metadata."""

    __slots__ = ("metadata", "key", "value")

    def __init__(self, metadata: EntryMetadata, key: EntryKey, value: EntryValue) -> None:
        self.metadata = metadata
        self.key = key
        self.value = value

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Entry):
            return NotImplemented
        return (
            self.key == other.key
            and self.value == other.value
            and self.metadata == other.metadata
        )

    def __hash__(self) -> int:
        return hash((self.key, self.value, self.metadata))

    def __repr__(self) -> str:
        return "Entry(metadata={!r}, key={!r}, value={!r})".format(
            self.metadata, str(self.key), str(self.value)
        )
