"""The W3C ``baggage`` header: distributed context entries as the services of today send them.

Follows the W3C Baggage specification ("Baggage HTTP Header Format"):
``key1=value1;property,key2=value2``, where a key is an RFC 7230 token, a
value is percent-encoded UTF-8 made of "baggage-octets" (printable ASCII
without space, ``"``, ``,``, ``;`` and ``\\``), and optional whitespace may
surround keys, values and separators. Several header lines combine in order.
Its limits apply: a receiver keeps at least 64 list-members and 8192 bytes;
this format keeps up to 180 members (the limit of the specification's
earlier drafts) within 8192 bytes, and a sender writes no more.
"""

import logging
import re
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

__all__ = ["BaggageHTTPTextFormat"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

#: The most list-members kept or sent.
MAX_MEMBERS = 180
#: The most bytes of a header kept or sent (members and commas).
MAX_HEADER_BYTES = 8192
# key = token (RFC 7230 section 3.2.6)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
# value = *baggage-octet; %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
_VALUE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*\Z")
# A "%" that does not start a two-hex-digit escape.
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What a value may hold unencoded: the baggage-octets, less "%" (the escape).
_SAFE_VALUE_CHARACTERS = "!#$&'()*+-./:<=>?@[]^_`{|}~"


class BaggageHTTPTextFormat(HTTPTextFormat):
    """Carries a distributed context in the W3C ``baggage`` header.

    Extraction keeps each well-formed list-member whose key is a valid
    :class:`~opentelemetry.distributedcontext.EntryKey` and whose decoded
    value is a valid :class:`~opentelemetry.distributedcontext.EntryValue`
    (printable ASCII, at most 255 characters); other members are dropped
    (logged at debug level) and the rest kept. Properties (``;...``) are
    accepted and ignored: entries have nowhere to keep them. Members past
    the 180th or past 8192 bytes are dropped. Entries get unlimited
    propagation. Nothing raises.

    Injection writes the entries with
    :attr:`~opentelemetry.distributedcontext.EntryTTL.UNLIMITED_PROPAGATION`
    in order, values percent-encoded, skipping (with a warning) keys that
    are not tokens and members that would pass a limit; no header when none
    is left.
    """

    HEADER_NAME = "baggage"

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> DistributedContext:
        try:
            values = get_from_carrier(carrier, self.HEADER_NAME)
            if not values:
                return EMPTY_CONTEXT
            entries: List[Entry] = []
            length = 0
            for member in list_members(joined_header(values)):
                length += len(member) + (1 if entries else 0)
                if len(entries) == MAX_MEMBERS or length > MAX_HEADER_BYTES:
                    logger.debug(
                        "Dropped baggage members past %d members or %d bytes",
                        MAX_MEMBERS,
                        MAX_HEADER_BYTES,
                    )
                    break
                entry = _parse_member(member)
                if entry is not None:
                    entries.append(entry)
            return DistributedContext(entries) if entries else EMPTY_CONTEXT
        except Exception:  # a broken getter must not break the request it serves
            report_exception(logger, "Extracting the baggage failed", level=logging.WARNING)
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
                if _TOKEN.match(entry.key) is None:
                    logger.warning("Baggage entry %r not sent: its key is not a token", str(entry.key))
                    continue
                member = entry.key + "=" + urllib.parse.quote(entry.value, safe=_SAFE_VALUE_CHARACTERS)
                added = len(member) + (1 if members else 0)
                if len(members) == MAX_MEMBERS or length + added > MAX_HEADER_BYTES:
                    logger.warning(
                        "Baggage entry %r not sent: over the header's limits", str(entry.key)
                    )
                    continue
                members.append(member)
                length += added
            if members:
                set_in_carrier(carrier, self.HEADER_NAME, ",".join(members))
        except Exception:  # a broken context or setter must not break the request
            report_exception(logger, "Injecting the baggage failed", level=logging.WARNING)


def _parse_member(member: str) -> Optional[Entry]:
    """The entry ``key=value[;properties]`` describes, or ``None`` (logged)."""
    key_value = member.split(";", 1)[0]
    key, separator, value = key_value.partition("=")
    key = key.strip(OWS)
    value = value.strip(OWS)
    if (
        not separator
        or _TOKEN.match(key) is None
        or _VALUE.match(value) is None
        or _BAD_ESCAPE.search(value) is not None
    ):
        logger.debug("Dropped baggage member %.100r: not key=value", member)
        return None
    try:
        return Entry(
            PROPAGATED,
            EntryKey.create(key),
            EntryValue.create(urllib.parse.unquote(value, errors="strict")),
        )
    except ValueError:  # UnicodeDecodeError included
        logger.debug("Dropped baggage member %.100r: value not printable ASCII of 255 at most", member)
        return None
