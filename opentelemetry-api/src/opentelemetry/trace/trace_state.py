"""Vendor-specific trace data carried with a span context (W3C ``tracestate``)."""

import logging
import re
from typing import Any, Iterable, Iterator, Mapping, Tuple, Union

__all__ = ["TraceState"]

logger = logging.getLogger(__name__)

_KEY_CHAR = r"[a-z0-9_\-*/]"
# W3C Trace Context Level 1, "tracestate" list-member key and value grammar.
_KEY_PATTERN = re.compile(
    r"(?:[a-z]{ch}{{0,255}}|[a-z0-9]{ch}{{0,240}}@[a-z]{ch}{{0,13}})\Z".format(
        ch=_KEY_CHAR
    )
)
_VALUE_PATTERN = re.compile(r"[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]\Z")

#: The W3C limit on list members.
MAX_ENTRIES = 32


def is_valid_key(key: object) -> bool:
    """Whether ``key`` is a valid tracestate key (simple or ``tenant@system``)."""
    return isinstance(key, str) and _KEY_PATTERN.match(key) is not None


def is_valid_value(value: object) -> bool:
    """Whether ``value`` is a valid tracestate value."""
    return isinstance(value, str) and _VALUE_PATTERN.match(value) is not None


class TraceState(Mapping[str, str]):
    """An immutable, ordered mapping of tracestate keys to values.

    The first entry is the most recently updated, as the W3C list is. Entries
    with an invalid key or value, duplicates and entries past the 32nd are
    dropped with a warning rather than raising: trace state comes from other
    processes and must never break this one. Changes return a new instance,
    so one trace state can be shared by every span of a trace.
    """

    __slots__ = ("_entries",)

    def __init__(
        self,
        entries: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
    ) -> None:
        self._entries: "dict[str, str]" = {}
        if not entries:
            return
        items = entries.items() if isinstance(entries, Mapping) else entries
        for key, value in items:
            if not (is_valid_key(key) and is_valid_value(value)):
                logger.warning("Dropped invalid tracestate entry %r=%r", key, value)
            elif key in self._entries:
                logger.warning("Dropped duplicate tracestate key %r", key)
            elif len(self._entries) >= MAX_ENTRIES:
                logger.warning(
                    "Dropped tracestate entry %r: more than %d entries", key, MAX_ENTRIES
                )
            else:
                self._entries[key] = value

    @classmethod
    def get_default(cls) -> "TraceState":
        """The empty trace state, shared."""
        return _EMPTY

    def add(self, key: str, value: str) -> "TraceState":
        """A copy with ``key`` added at the front; unchanged if it exists."""
        if key in self._entries:
            logger.warning("tracestate key %r exists; not added", key)
            return self
        return self._with_front(key, value)

    def update(self, key: str, value: str) -> "TraceState":
        """A copy with ``key`` set to ``value`` and moved to the front."""
        return self._with_front(key, value)

    def delete(self, key: str) -> "TraceState":
        """A copy without ``key``."""
        if key not in self._entries:
            return self
        return TraceState((k, v) for k, v in self._entries.items() if k != key)

    def _with_front(self, key: str, value: str) -> "TraceState":
        if not (is_valid_key(key) and is_valid_value(value)):
            logger.warning("Ignored invalid tracestate entry %r=%r", key, value)
            return self
        rest = [(k, v) for k, v in self._entries.items() if k != key]
        return TraceState([(key, value)] + rest[: MAX_ENTRIES - 1])

    def __getitem__(self, key: str) -> str:
        return self._entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, Mapping):
            return list(self.items()) == list(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self._entries.items()))

    def __repr__(self) -> str:
        return repr(self._entries)



_EMPTY = TraceState()
