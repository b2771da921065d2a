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
from typing import List, Optional

from opentelemetry.distributedcontext import Entry, EntryKey, EntryValue

from ._list_header import OWS, PROPAGATED, ListHeaderFormat, list_members

__all__ = ["BaggageHTTPTextFormat"]

logger = logging.getLogger(__name__)

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


class BaggageHTTPTextFormat(ListHeaderFormat):
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
    _LABEL = "baggage"
    _logger = logger
    _max_members = MAX_MEMBERS
    _max_member_length = MAX_HEADER_BYTES  # a member is limited by the header alone
    _max_header_length = MAX_HEADER_BYTES

    def _entries(self, header: str) -> List[Entry]:
        entries: List[Entry] = []
        length = 0
        for member in list_members(header):
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
        return entries

    def _member(self, entry: Entry) -> Optional[str]:
        if _TOKEN.match(entry.key) is None:
            logger.warning("Baggage entry %r not sent: its key is not a token", str(entry.key))
            return None
        return entry.key + "=" + urllib.parse.quote(entry.value, safe=_SAFE_VALUE_CHARACTERS)


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
