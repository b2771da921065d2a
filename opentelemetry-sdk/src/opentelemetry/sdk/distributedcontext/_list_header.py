"""The list-header shape the baggage and Correlation-Context formats share.

Both headers are comma-separated lists of ``key=value[;properties]``
members, may arrive as several header lines (combined in order), and allow
optional whitespace around members. Both formats read and write them the
same way (:class:`ListHeaderFormat`); what each member may hold, and the
limits, are each format's own.
"""

import abc
import logging
from typing import Iterator, List, Optional, TypeVar, Union

from opentelemetry.context.propagation import Getter, Setter
from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryMetadata,
    EntryTTL,
)
from opentelemetry.distributedcontext.propagation import HTTPTextFormat
from opentelemetry.util._error_handler import report_exception

_T = TypeVar("_T")

# Optional whitespace (RFC 7230): space and horizontal tab.
OWS = " \t"
#: Entries received from upstream keep travelling downstream.
PROPAGATED = EntryMetadata(EntryTTL.UNLIMITED_PROPAGATION)
#: What extraction returns when it finds no entry.
EMPTY_CONTEXT = DistributedContext()


def joined_header(values: Union[str, List[str]]) -> str:
    """The header lines a getter returned, combined in order (one str is one line)."""
    if isinstance(values, str):  # a getter that returned one value, not a list
        return values
    return ",".join(values)


def list_members(header: str) -> Iterator[str]:
    """The header's members, whitespace around them stripped, empty ones skipped."""
    for member in header.split(","):
        member = member.strip(OWS)
        if member:
            yield member


def propagated_entries(context: DistributedContext) -> Iterator[Entry]:
    """The entries of ``context`` that may leave the process."""
    for entry in context.get_entries():
        if entry.metadata.entry_ttl == EntryTTL.UNLIMITED_PROPAGATION:
            yield entry


class ListHeaderFormat(HTTPTextFormat, abc.ABC):
    """A distributed context carried in a list header; the subclass says what a member is.

    Extraction combines the header's lines and keeps the entries
    :meth:`_entries` finds in them. Injection writes each propagated entry
    that :meth:`_member` can write, in order, skipping (with a warning) one
    that would pass a limit, and writes no header when none is left, or
    when the context is ``None`` (what ``get_current_context()`` returns
    when there is none). Neither raises: a broken getter, setter or context
    is reported (rate-limited) and extraction gives the empty context.
    """

    #: The header's name, lower case.
    HEADER_NAME: str
    #: What log lines call the header.
    _LABEL: str
    #: The format's module logger.
    _logger: logging.Logger
    #: The most members written, the longest member, the longest header (commas included).
    _max_members: int
    _max_member_length: int
    _max_header_length: int

    @abc.abstractmethod
    def _entries(self, header: str) -> List[Entry]:
        """The entries of ``header`` (its lines combined) within the limits; the rest logged."""

    @abc.abstractmethod
    def _member(self, entry: Entry) -> Optional[str]:
        """``entry`` as a member, or ``None`` (logged) when the format cannot carry it."""

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> DistributedContext:
        try:
            values = get_from_carrier(carrier, self.HEADER_NAME)
            if not values:
                return EMPTY_CONTEXT
            entries = self._entries(joined_header(values))
            return DistributedContext(entries) if entries else EMPTY_CONTEXT
        except Exception:  # a broken getter must not break the request it serves
            report_exception(
                self._logger, "Extracting the %s failed", self._LABEL, level=logging.WARNING
            )
            return EMPTY_CONTEXT

    def inject(
        self, context: DistributedContext, set_in_carrier: Setter[_T], carrier: _T
    ) -> None:
        if context is None:  # no current context (get_current_context()): nothing to send
            return
        try:
            members: List[str] = []
            length = 0
            for entry in propagated_entries(context):
                member = self._member(entry)
                if member is None:
                    continue
                added = len(member) + (1 if members else 0)
                if (
                    len(members) == self._max_members
                    or len(member) > self._max_member_length
                    or length + added > self._max_header_length
                ):
                    self._logger.warning(
                        "%s entry %r not sent: over the header's limits",
                        self._LABEL,
                        str(entry.key),
                    )
                    continue
                members.append(member)
                length += added
            if members:
                set_in_carrier(carrier, self.HEADER_NAME, ",".join(members))
        except Exception:  # a broken context or setter must not break the request
            report_exception(
                self._logger, "Injecting the %s failed", self._LABEL, level=logging.WARNING
            )
