"""The list-header shape the baggage and Correlation-Context formats share.

Both headers are comma-separated lists of ``key=value[;properties]``
members, may arrive as several header lines (combined in order), and allow
optional whitespace around members. What each member may hold, and the
limits, are each format's own.
"""

from typing import Iterator, List, Union

from opentelemetry.distributedcontext import (
    DistributedContext,
    Entry,
    EntryMetadata,
    EntryTTL,
)

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
