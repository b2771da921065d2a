"""The W3C Correlation-Context header: distributed context entries as text.

Follows the W3C Correlation Context HTTP header format (a Working Draft, the
predecessor of W3C Baggage): ``name1=value1[;properties],name2=value2``,
names and values URL-encoded, spaces around them ignored, several header
lines combined in order. Its limits apply: at most 180 entries, 4096
characters per entry and 8192 in all.
"""

import logging
import urllib.parse
from typing import List, Optional

from opentelemetry.distributedcontext import Entry, EntryKey, EntryValue

from ._list_header import OWS, PROPAGATED, ListHeaderFormat, list_members

__all__ = ["CorrelationContextHTTPTextFormat"]

logger = logging.getLogger(__name__)

_MAX_ENTRIES = 180
_MAX_ENTRY_LENGTH = 4096
_MAX_HEADER_LENGTH = 8192


class CorrelationContextHTTPTextFormat(ListHeaderFormat):
    """Carries a distributed context in the ``Correlation-Context`` header.

    Extraction keeps every well-formed entry whose decoded name and value
    are a valid :class:`~opentelemetry.distributedcontext.EntryKey` and
    :class:`~opentelemetry.distributedcontext.EntryValue`, drops the others
    (logged at debug level), ignores properties, and gives the entries
    unlimited propagation. A header over the total limit is ignored whole;
    entries past the 180th are dropped. Nothing raises.

    Injection writes the entries with
    :attr:`~opentelemetry.distributedcontext.EntryTTL.UNLIMITED_PROPAGATION`,
    in order, skipping (with a warning) those that would break a limit, and
    writes no header when none is left, or when the context is ``None`` (what
    ``get_current_context()`` returns when there is none).
    """

    HEADER_NAME = "correlation-context"
    _LABEL = "Correlation-Context"
    _logger = logger
    _max_members = _MAX_ENTRIES
    _max_member_length = _MAX_ENTRY_LENGTH
    _max_header_length = _MAX_HEADER_LENGTH

    def _entries(self, header: str) -> List[Entry]:
        if len(header) > _MAX_HEADER_LENGTH:
            logger.debug("Ignored Correlation-Context: %d characters", len(header))
            return []
        entries: List[Entry] = []
        for pair in list_members(header):
            if len(entries) == _MAX_ENTRIES:
                logger.debug("Dropped Correlation-Context entries past the %dth", _MAX_ENTRIES)
                break
            entry = _parse_entry(pair)
            if entry is not None:
                entries.append(entry)
        return entries

    def _member(self, entry: Entry) -> Optional[str]:
        return _quote(entry.key) + "=" + _quote(entry.value)


def _quote(text: str) -> str:
    # Printable ASCII except the separators and "%" passes through unchanged.
    return urllib.parse.quote(text, safe="!#$&'()*+-./:<>?@[]^_`{|}~")


def _parse_entry(pair: str) -> Optional[Entry]:
    """The entry ``name=value[;properties]`` describes, or ``None`` (logged)."""
    if len(pair) > _MAX_ENTRY_LENGTH:
        logger.debug("Dropped Correlation-Context entry: %d characters", len(pair))
        return None
    name_value = pair.split(";", 1)[0]
    name, sep, value = name_value.partition("=")
    if not sep:
        logger.debug("Dropped Correlation-Context entry %.100r: no '='", pair)
        return None
    try:
        key = EntryKey.create(urllib.parse.unquote(name.strip(OWS), errors="strict"))
        entry_value = EntryValue.create(urllib.parse.unquote(value.strip(OWS), errors="strict"))
    except ValueError:  # UnicodeDecodeError included: not valid percent-encoded ASCII
        logger.debug("Dropped Correlation-Context entry %.100r: invalid name or value", pair)
        return None
    return Entry(PROPAGATED, key, entry_value)
