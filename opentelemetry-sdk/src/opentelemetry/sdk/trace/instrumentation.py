"""Which library produced a span."""

from __future__ import annotations

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["InstrumentationInfo"]


class InstrumentationInfo:
    """The name and version of the instrumenting library, from ``get_tracer``."""

    __slots__ = ("_name", "_version")

    def __init__(self, name: str, version: str) -> None:
        self._name = name
        self._version = version

    @property
    def name(self) -> str:
        """The instrumenting module's name."""
        return self._name

    @property
    def version(self) -> str:
        """The instrumenting library's version; may be empty."""
        return self._version

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, InstrumentationInfo):
            return NotImplemented
        return (self._name, self._version) == (other._name, other._version)

    def __lt__(self, other: Any) -> bool:
        """Ordered by name, then version: a sorted list of tracers' libraries is stable."""
        if not isinstance(other, InstrumentationInfo):
            return NotImplemented
        return (self._name, self._version) < (other._name, other._version)

    def __hash__(self) -> int:
        return hash((self._name, self._version))

    def __repr__(self) -> str:
        return "InstrumentationInfo({!r}, {!r})".format(self._name, self._version)
