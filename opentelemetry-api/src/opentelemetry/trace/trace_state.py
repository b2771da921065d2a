"""Vendor-specific trace data carried with a span context (W3C ``tracestate``).

The limits and mutation rules are those of the W3C Trace Context
Recommendation (Level 1), section 3.3 "Tracestate Header" and 3.5 "Mutating
the tracestate Field". The key grammar and the handling of a repeated key
follow the W3C test suite (github.com/w3c/trace-context, ``test/test.py``),
which follows the newer edition (Trace Context Level 2, "key"): where the
suite and the Level 1 text differ, the suite is the authority (see
``docs/propagation.rst``). :meth:`TraceState.from_header` and
:meth:`TraceState.to_header` are the one place where the header text is
parsed and written, for every propagator that carries ``tracestate``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, Optional, Tuple, Union

__all__ = ["DEFAULT_TRACE_STATE", "TraceState"]

logger = logging.getLogger(__name__)

# On Python 3.11 and later, "+" after a repeat makes it possessive: it never
# gives characters back. Each repeat below is followed by a character it
# cannot match ("=", ",", the end), so giving back could never help: the
# language is the same, and the matcher skips the backtracking bookkeeping.
_POSSESSIVE = "+" if sys.version_info >= (3, 11) else ""
# key = ( lcalpha / DIGIT ) 0*255( keychar )
# keychar = lcalpha / DIGIT / "_" / "-"/ "*" / "/" / "@"
# (Trace Context Level 2, which the W3C test suite checks: "@" anywhere
# after the first character, 256 characters at most.)
_KEY = r"[a-z0-9][a-z0-9_\-*/@]{0,255}" + _POSSESSIVE
# value = 0*255(chr) nblk-chr ; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E ; chr = %x20 / nblk-chr
# That is 1 to 256 chr, the last not a space: written so (a look back at
# the last character), the repeat can be possessive.
_VALUE = r"[\x20-\x2b\x2d-\x3c\x3e-\x7e]{1,256}" + _POSSESSIVE + "(?<! )"
_KEY_PATTERN = re.compile(_KEY + r"\Z")
_VALUE_PATTERN = re.compile(_VALUE + r"\Z")
# One list-member, already stripped of the optional whitespace around it.
_MEMBER_PATTERN = re.compile("(" + _KEY + ")=(" + _VALUE + r")\Z")

#: The W3C limit on list members.
MAX_ENTRIES = 32
# The common header, as this module writes it: 1 to 32 members, no empty
# members and no whitespace around them. One match validates all of it: a
# key cannot hold "=" nor a value ",", so each member can end in only one
# place and nothing backtracks past it. It also captures the keys and
# values of the first two members (what most headers hold) and the rest of
# the header, if any, from its comma.
_CANONICAL_MEMBER = _KEY + "=" + _VALUE
_CANONICAL_HEADER_PATTERN = re.compile(
    "({key})=({value})(?:,({key})=({value})(,{member}(?:,{member}){{0,{more}}}{p})?{p})?{p}"
    "\\Z".format(
        key=_KEY, value=_VALUE, member=_CANONICAL_MEMBER, more=MAX_ENTRIES - 3, p=_POSSESSIVE
    )
)
# The longest valid list-member: a 256-character key, "=", a 256-character
# value. Longer members are rejected before the member pattern runs.
_MAX_MEMBER_LENGTH = 256 + 1 + 256
# The longest header the canonical pattern can match: 32 maximal members and
# their commas. Longer input is not even shown to it.
_MAX_CANONICAL_LENGTH = MAX_ENTRIES * _MAX_MEMBER_LENGTH + MAX_ENTRIES - 1
# The longest combined header parsed at all. 32 maximal members with their
# commas take 16,447 characters; the rest allows generous optional
# whitespace and empty members. Longer input is ignored outright, so a
# hostile header costs no more than its length to reject.
_MAX_HEADER_LENGTH = 32 * 1024
_OWS = " \t"


def is_valid_key(key: object) -> bool:
    """Whether ``key`` is a valid tracestate key: a lower-case letter or digit, then at most
    255 of ``a-z0-9_-*/@``."""
    return isinstance(key, str) and _KEY_PATTERN.match(key) is not None


def is_valid_value(value: object) -> bool:
    """Whether ``value`` is a valid tracestate value."""
    return isinstance(value, str) and _VALUE_PATTERN.match(value) is not None


class TraceState(dict[str, str]):
    """The W3C trace state: an ordered ``dict`` of tracestate keys to values.

    A ``dict``, as in v0.3: build one from a mapping or from pairs, read it
    (and change it) as a dict. The first entry is the most recently updated,
    as the W3C list is. Every way in is checked against the W3C grammar and
    limits: entries with an invalid key or value, a repeated key, or past the
    32nd are dropped with a warning rather than raising, since trace state
    comes from other processes and must never break this one.

    :meth:`add`, :meth:`update` with a key and a value, and :meth:`delete`
    return a changed copy and leave this one alone, so a trace state shared
    by the spans of a trace changes for none of them. The empty trace state
    every span context starts with (:data:`~opentelemetry.trace.DEFAULT_TRACE_STATE`)
    is shared by all of them and cannot be changed in place: changing it is
    ignored with a warning.
    """

    __slots__ = ("_header",)
    _header: Optional[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> "TraceState":
        trace_state = _new_dict(cls)
        # Slots start unset: every instance, however made (copy, pickle), needs the cache.
        trace_state._header = None
        return trace_state

    def __init__(
        self,
        entries: Union[Mapping[str, str], Iterable[Tuple[str, str]], None] = None,
        **kwargs: str,
    ) -> None:
        super().__init__()
        if entries:
            self._add_checked(entries.items() if isinstance(entries, Mapping) else entries)
        if kwargs:
            self._add_checked(kwargs.items())

    def _add_checked(self, items: Iterable[Tuple[str, str]]) -> None:
        """Add each valid pair at the end; drop invalid, repeated and surplus ones, logged."""
        self._header = None
        for key, value in items:
            if not (is_valid_key(key) and is_valid_value(value)):
                logger.warning("Dropped invalid tracestate entry %r=%r", key, value)
            elif key in self:
                logger.warning("Dropped duplicate tracestate key %r", key)
            elif len(self) >= MAX_ENTRIES:
                logger.warning(
                    "Dropped tracestate entry %r: more than %d entries", key, MAX_ENTRIES
                )
            else:
                _set_item(self, key, value)

    @classmethod
    def get_default(cls) -> "TraceState":
        """A new, empty trace state."""
        return cls()

    @classmethod
    def from_header(cls, header_values: Iterable[str]) -> "TraceState":
        """Parse the ``tracestate`` header, given as the values of all its lines.

        The lines are combined in order, as HTTP combines repeated fields.
        Empty list members and the spaces and tabs around members are
        ignored. A key that repeats keeps its first entry; the later ones
        are dropped (logged at debug level), as the W3C test suite allows and
        its own harness does, so one repeated key does not cost the whole
        header. The whole header is invalid, and the empty trace state is
        returned (logged at debug level), when any member is malformed or
        there are more than 32 members: the W3C test suite requires such a
        header to be discarded, not partly kept. Never raises.
        """
        try:
            values = header_values if type(header_values) is list else list(header_values)
            header = values[0] if len(values) == 1 else ",".join(values)
        except Exception:  # not strings, or a broken iterable: never raise
            logger.debug("Ignored tracestate: header values %.100r", header_values, exc_info=True)
            return _EMPTY
        if type(header) is not str:
            logger.debug("Ignored tracestate: header value %.100r is not a str", header)
            return _EMPTY
        if len(header) > _MAX_HEADER_LENGTH:
            logger.debug("Ignored tracestate: %d characters", len(header))
            return _EMPTY
        if cls is TraceState:
            trace_state = _from_canonical_header(header)
            if trace_state is not None:
                return trace_state
        return cls._from_any_header(header)

    @classmethod
    def _from_any_header(cls, header: str) -> "TraceState":
        """:meth:`from_header` of one combined header of bounded length, member by member."""
        entries: "dict[str, str]" = {}
        for member in header.split(","):
            member = member.strip(_OWS)
            if not member:
                continue
            match = _MEMBER_PATTERN.match(member) if len(member) <= _MAX_MEMBER_LENGTH else None
            if match is None:
                logger.debug("Ignored tracestate: invalid list member %.100r", member)
                return _EMPTY
            key, value = match.group(1, 2)
            if key in entries:
                logger.debug("Dropped a repeat of tracestate key %r; the first is kept", key)
                continue
            if len(entries) == MAX_ENTRIES:
                logger.debug("Ignored tracestate: more than %d list members", MAX_ENTRIES)
                return _EMPTY
            entries[key] = value
        if not entries:
            return _EMPTY
        trace_state = _new_dict(cls)
        _dict_init(trace_state, entries)
        trace_state._header = None
        return trace_state

    def to_header(self) -> str:
        """The ``tracestate`` header value: ``key=value`` members joined by commas.

        Empty for the empty trace state; callers then send no header, as the
        Recommendation asks ("SHOULD avoid sending" empty headers).
        """
        header = self._header
        if header is None:
            # Kept until the trace state changes in place (rare): it is shared
            # by every span of a trace, and inject runs once per outgoing request.
            header = self._header = ",".join(
                key + "=" + value for key, value in self.items()
            )
        return header

    def add(self, key: str, value: str) -> "TraceState":
        """A copy with ``key`` added at the front; unchanged if it exists."""
        if key in self:
            logger.warning("tracestate key %r exists; not added", key)
            return self
        return self._with_front(key, value)

    def update(self, *args: Any, **kwargs: str) -> Any:
        """``update(key, value)``: a copy with ``key`` set to ``value`` and moved to the front.

        Called as :meth:`dict.update` (a mapping, pairs or keywords), it
        changes this trace state in place instead, adding each valid entry
        (v0.3 code treats the trace state as a dict). The two cannot be
        confused: ``dict.update`` takes at most one positional argument.
        """
        if len(args) == 2 and not kwargs:
            return self._with_front(args[0], args[1])
        if len(args) > 1:
            raise TypeError("update expected (key, value) or at most 1 mapping")
        if self._is_frozen():
            return None
        for key, value in dict(*args, **kwargs).items():
            self[key] = value
        return None

    def delete(self, key: str) -> "TraceState":
        """A copy without ``key``."""
        if key not in self:
            return self
        return TraceState((k, v) for k, v in self.items() if k != key)

    def _with_front(self, key: str, value: str) -> "TraceState":
        if not (is_valid_key(key) and is_valid_value(value)):
            logger.warning("Ignored invalid tracestate entry %r=%r", key, value)
            return self
        rest = [(k, v) for k, v in self.items() if k != key]
        if len(rest) >= MAX_ENTRIES:
            # The Recommendation truncates from the end of the list.
            logger.warning(
                "Dropped tracestate entry %r to keep %d entries", rest[-1][0], MAX_ENTRIES
            )
            del rest[MAX_ENTRIES - 1 :]
        return TraceState([(key, value)] + rest)

    # -- changing in place, as a dict ----------------------------------------
    # Each change is checked like construction, and forgets the cached header
    # after it is made, so a header computed meanwhile is not kept.

    def _is_frozen(self) -> bool:
        """Whether this is the shared empty trace state, which must stay empty (logged)."""
        if self is _EMPTY:
            logger.warning(
                "Ignored a change to the shared empty trace state; build a TraceState instead"
            )
            return True
        return False

    def __setitem__(self, key: str, value: str) -> None:
        if self._is_frozen():
            return
        if not (is_valid_key(key) and is_valid_value(value)):
            logger.warning("Ignored invalid tracestate entry %r=%r", key, value)
            return
        if key not in self and len(self) >= MAX_ENTRIES:
            logger.warning("Ignored tracestate entry %r: more than %d entries", key, MAX_ENTRIES)
            return
        _set_item(self, key, value)
        self._header = None

    def setdefault(self, key: str, default: str = "") -> str:
        if key not in self:
            self[key] = default
        return self.get(key, default)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._header = None

    def pop(self, key: str, *default: Any) -> Any:
        value = super().pop(key, *default)
        self._header = None
        return value

    def popitem(self) -> Tuple[str, str]:
        item = super().popitem()
        self._header = None
        return item

    def clear(self) -> None:
        super().clear()
        self._header = None

    def __ior__(self, other: Any) -> "TraceState":  # type: ignore[override,misc]
        self.update(other)
        return self

    def __reduce__(self) -> Any:
        return (type(self), (list(self.items()),))


_new_dict = dict.__new__
_dict_init = dict.__init__
_set_item = dict.__setitem__
_set_default = dict.setdefault
_update = dict.update


def _from_canonical_header(header: str) -> Optional[TraceState]:
    """The trace state of the usual header, as :meth:`TraceState.to_header` writes it; else ``None``.

    One match validates the whole header (1 to 32 members, no whitespace or
    empty members); a header longer than 32 maximal members is refused
    before any pattern reads it. The entries are
    parsed at once, not on first read: a trace state is a dict, and C code
    that reads a dict's storage directly (:func:`json.dumps`) must see them.
    ``None`` sends anything else (and a repeated key) to the general rules
    of :meth:`TraceState.from_header`, which this agrees with. The
    propagators' hot path: a small function,
    not a method, so the usual request pays for one call and no generic
    checks.
    """
    if len(header) > _MAX_CANONICAL_LENGTH:
        return None
    match = _CANONICAL_HEADER_PATTERN.match(header)
    if match is None:
        return None
    key, value, second_key, second_value, more = match.groups()
    # Built directly: __init__ would validate every entry again, and the
    # header is already the one to_header would write.
    trace_state = _new_dict(TraceState)
    if more is None:
        # One or two members, taken from the match: cheaper than splitting
        # the header. dict.setdefault on the empty dict stores as
        # dict.__setitem__ would, and its C call costs less.
        _set_default(trace_state, key, value)
        if second_key is not None:
            if second_key == key:  # a key repeats: the general rules keep the first
                return None
            _set_default(trace_state, second_key, second_value)
    else:
        # Neither keys nor values may hold "=" or ",", so in a valid header
        # the two alternate in one split: cheaper than splitting each member.
        keys_and_values = header.replace("=", ",").split(",")
        pairs = iter(keys_and_values)
        _update(trace_state, zip(pairs, pairs))
        if 2 * len(trace_state) != len(keys_and_values):  # a key repeats, as above
            return None
    trace_state._header = header
    return trace_state


_EMPTY = TraceState()
#: The empty trace state span contexts start with: shared, so it ignores
#: changes in place (with a warning).
DEFAULT_TRACE_STATE = _EMPTY
