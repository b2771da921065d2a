"""The W3C Correlation-Context header: distributed context entries as text.

Follows the W3C Correlation Context HTTP header format (a Working Draft, the
predecessor of W3C Baggage): ``name1=value1[;properties],name2=value2``,
names and values URL-encoded, spaces around them ignored, several header
lines combined in order. Its limits apply: at most 180 entries, 4096
characters per entry and 8192 in all.
"""

import logging
import urllib.parse
from typing import List, Optional, TypeVar

from opentelemetry.context.propagation import Getter, Setter
from opentelemetry.distributedcontext import DistributedContext, Entry, EntryKey, EntryValue
from opentelemetry.distributedcontext.propagation import HTTPTextFormat
from opentelemetry.util._error_handler import report_exception

from ._list_header import (
    EMPTY_CONTEXT,
    OWS,
    PROPAGATED,
    joined_header,
    list_members,
    propagated_entries,
)

__all__ = ["CorrelationContextHTTPTextFormat"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

_MAX_ENTRIES = 180
_MAX_ENTRY_LENGTH = 4096
_MAX_HEADER_LENGTH = 8192


class CorrelationContextHTTPTextFormat(HTTPTextFormat):
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

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> DistributedContext:
        try:
            values = get_from_carrier(carrier, self.HEADER_NAME)
            if not values:
                return EMPTY_CONTEXT
            header = joined_header(values)
            if len(header) > _MAX_HEADER_LENGTH:
                logger.debug("Ignored Correlation-Context: %d characters", len(header))
                return EMPTY_CONTEXT
            entries: List[Entry] = []
            for pair in list_members(header):
                if len(entries) == _MAX_ENTRIES:
                    logger.debug("Dropped Correlation-Context entries past the %dth", _MAX_ENTRIES)
                    break
                entry = _parse_entry(pair)
                if entry is not None:
                    entries.append(entry)
            return DistributedContext(entries) if entries else EMPTY_CONTEXT
        except Exception:  # a broken getter must not break the request it serves
            report_exception(
                logger, "Extracting the Correlation-Context failed", level=logging.WARNING
            )
            return EMPTY_CONTEXT

    def inject(
        self, context: DistributedContext, set_in_carrier: Setter[_T], carrier: _T
    ) -> None:
        if context is None:  # no current context (get_current_context()): nothing to send
            return
        try:
            pairs: List[str] = []
            length = 0
            for entry in propagated_entries(context):
                pair = _quote(entry.key) + "=" + _quote(entry.value)
                added = len(pair) + (1 if pairs else 0)
                if (
                    len(pairs) == _MAX_ENTRIES
                    or len(pair) > _MAX_ENTRY_LENGTH
                    or length + added > _MAX_HEADER_LENGTH
                ):
                    logger.warning(
                        "Correlation-Context entry %r not sent: over the header's limits",
                        str(entry.key),
                    )
                    continue
                pairs.append(pair)
                length += added
            if pairs:
                set_in_carrier(carrier, self.HEADER_NAME, ",".join(pairs))
        except Exception:  # a broken context or setter must not break the request
            report_exception(
                logger, "Injecting the Correlation-Context failed", level=logging.WARNING
            )


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
