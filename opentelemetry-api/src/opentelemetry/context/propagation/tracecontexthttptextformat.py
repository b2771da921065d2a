"""The W3C Trace Context format: the ``traceparent`` and ``tracestate`` headers.

Implements the W3C Trace Context Recommendation (Level 1), section 3
"Trace Context HTTP Headers Format". A ``traceparent`` looks like::

    00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01

version, trace id, parent (span) id and trace flags, in lower-case hex.
"""

import binascii
import logging
import re
from typing import Any, Optional, Tuple, TypeVar

from opentelemetry.trace import (
    DEFAULT_TRACE_STATE,
    INVALID_SPAN_CONTEXT,
    INVALID_SPAN_ID,
    INVALID_TRACE_ID,
    Span,
    SpanContext,
    TraceOptions,
    TraceState,
)

from opentelemetry.trace.span_context import _remote_span_context
from opentelemetry.trace.trace_state import _from_canonical_header
from opentelemetry.util._error_handler import report_exception

from .httptextformat import Getter, HTTPTextFormat, Setter

__all__ = ["TraceContextHTTPTextFormat"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# Module constants rather than the class attributes on the per-request path:
# CPython 3.11 looks a class attribute up through an instance slowly.
_TRACEPARENT = "traceparent"
_TRACESTATE = "tracestate"

# version "-" trace-id "-" parent-id "-" trace-flags, then the end or a dash
# (what a higher version may add). Matched at the start of the value only,
# so it looks at no more than 56 characters whatever the input's length.
_TRACEPARENT_PATTERN = re.compile(
    r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-|\Z)"
)
# Version 00 is exactly 2 + 1 + 32 + 1 + 16 + 1 + 2 characters.
_VERSION_00_LENGTH = 55
# Longer values are rejected unparsed: future versions only add fields, and
# the Recommendation lets parsers "disallow prohibitively large headers".
_MAX_TRACEPARENT_LENGTH = 512
_OWS = " \t"
_from_bytes = int.from_bytes
_unhexlify = binascii.unhexlify
# What nearly every request carries: exactly version 00. On a value of that
# length, this one match stands in for the general path's strip, pattern and
# version tests; anything it rejects, or with an all-zero id, takes the
# general path, whose verdict and log messages are the rule.
_VERSION_00_PATTERN = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]([0-9a-f])")
# Only the sampled flag is defined; other bits are tolerated on the way in
# and, as the Recommendation requires, sent as zero.
_SAMPLED = TraceOptions(TraceOptions.SAMPLED)
_NOT_SAMPLED = TraceOptions(TraceOptions.DEFAULT)
# The sampled bit is the low bit of the flags' last hex digit: a lookup
# costs less than int() on the per-request path.
_OPTIONS_BY_LAST_FLAGS_DIGIT = {
    digit: _SAMPLED if int(digit, 16) & TraceOptions.SAMPLED else _NOT_SAMPLED
    for digit in "0123456789abcdef"
}


def _parse_traceparent(value: str) -> Optional[Tuple[int, int, TraceOptions]]:
    """Trace id, span id and flags of a ``traceparent`` value; ``None`` if invalid.

    The general rules, with a log message for every rejection; ``extract``
    tries ``_VERSION_00_PATTERN`` first, which agrees with them.
    """
    if len(value) > _MAX_TRACEPARENT_LENGTH:
        logger.debug("Ignored traceparent: %d characters", len(value))
        return None
    value = value.strip(_OWS)
    match = _TRACEPARENT_PATTERN.match(value)
    if match is None:
        logger.debug("Ignored malformed traceparent %r", value)
        return None
    version, trace_id_hex, span_id_hex, flags_hex = match.groups()
    if version == "00":
        if len(value) != _VERSION_00_LENGTH:
            logger.debug("Ignored traceparent %r: version 00 has no more fields", value)
            return None
    elif version == "ff":
        logger.debug("Ignored traceparent %r: version ff is invalid", value)
        return None
    trace_id = int(trace_id_hex, 16)
    span_id = int(span_id_hex, 16)
    if not trace_id or not span_id:
        logger.debug("Ignored traceparent %r: an all-zero id is invalid", value)
        return None
    return trace_id, span_id, _OPTIONS_BY_LAST_FLAGS_DIGIT[flags_hex[1]]


def _single_value(values: Any) -> Optional[str]:
    """The one ``traceparent`` a getter returned; ``None`` unless exactly one str."""
    if not values:
        return None
    if isinstance(values, str):  # a getter that returned one value, not a list
        values = [values]
    if len(values) != 1:
        # Two parents cannot both be right: the W3C test suite expects a new
        # trace.
        logger.debug("Ignored traceparent: %d header values", len(values))
        return None
    value = values[0]
    if type(value) is not str:
        logger.debug("Ignored traceparent %.100r: not a str", value)
        return None
    return value


class TraceContextHTTPTextFormat(HTTPTextFormat):
    """Propagates span contexts in the W3C ``traceparent`` and ``tracestate`` headers.

    Extraction follows the Recommendation's rules for the receiver: a
    missing, repeated or malformed ``traceparent`` yields
    :data:`~opentelemetry.trace.INVALID_SPAN_CONTEXT` (so a new trace
    starts) and ``tracestate`` is then not even read; an invalid
    ``tracestate`` is dropped while a valid ``traceparent`` is kept. A higher
    version is parsed for its first four fields. An extracted context is
    remote (``is_remote``). Nothing raises; what is ignored is logged at
    debug level.

    Injection writes version ``00`` with only the sampled flag, and no
    ``tracestate`` when the trace state is empty.
    """

    TRACEPARENT_HEADER_NAME = _TRACEPARENT
    TRACESTATE_HEADER_NAME = _TRACESTATE

    @classmethod
    def extract(cls, get_from_carrier: Getter[_T], carrier: _T) -> SpanContext:
        """The span context in the carrier's headers, or the invalid one.

        A class method, as in v0.3: ``TraceContextHTTPTextFormat.extract(...)``
        works too.
        """
        try:
            values = get_from_carrier(carrier, _TRACEPARENT)
            # The usual answer, a list of one str, in three cheap tests.
            if type(values) is list and len(values) == 1 and type(values[0]) is str:
                value = values[0]
            else:
                single_value = _single_value(values)
                if single_value is None:
                    return INVALID_SPAN_CONTEXT
                value = single_value
            match = (
                _VERSION_00_PATTERN.fullmatch(value) if len(value) == _VERSION_00_LENGTH else None
            )
            if match is not None:
                trace_id_hex, span_id_hex, last_flags_digit = match.groups()
                # The pattern checked the digits: unhexlify and from_bytes cost
                # less than int(hex, 16), whose parser allows signs and "_".
                trace_id = _from_bytes(_unhexlify(trace_id_hex), "big")
                span_id = _from_bytes(_unhexlify(span_id_hex), "big")
                options = _OPTIONS_BY_LAST_FLAGS_DIGIT[last_flags_digit]
            if match is None or not trace_id or not span_id:  # the general rules decide
                parsed = _parse_traceparent(value)
                if parsed is None:
                    return INVALID_SPAN_CONTEXT
                trace_id, span_id, options = parsed
            state_values = get_from_carrier(carrier, _TRACESTATE)
            if not state_values:
                return _remote_span_context(trace_id, span_id, options, DEFAULT_TRACE_STATE)
            # The usual answer, one header as to_header writes it, skips
            # from_header's generic checks; its rules decide anything else.
            if type(state_values) is list and len(state_values) == 1:
                state_header = state_values[0]
                if type(state_header) is str:
                    trace_state = _from_canonical_header(state_header)
                    if trace_state is not None:
                        return _remote_span_context(trace_id, span_id, options, trace_state)
            elif isinstance(state_values, str):
                state_values = [state_values]
            return _remote_span_context(
                trace_id, span_id, options, TraceState.from_header(state_values)
            )
        except Exception:  # a broken getter must not break the request it serves
            report_exception(
                logger, "Extracting the trace context failed", level=logging.WARNING
            )
            return INVALID_SPAN_CONTEXT

    @classmethod
    def inject(cls, span: Span, set_in_carrier: Setter[_T], carrier: _T) -> None:
        """Write ``traceparent`` (and ``tracestate``) for ``span``; a class method, as in v0.3.

        Writes nothing for ``None`` (no current span) or a span with an invalid context;
        nor, logged as a failure, for an id that does not fit the header (a trace id over
        128 bits, a span id over 64, or a negative one).
        """
        if span is None:
            return
        try:
            context = span.get_context()
            trace_id = context.trace_id
            span_id = context.span_id
            # SpanContext.is_valid() inline: the call costs more than its two tests.
            if trace_id == INVALID_TRACE_ID or span_id == INVALID_SPAN_ID:
                return
            # Only the sampled flag is sent. An f-string of to_bytes().hex()
            # costs less than "%032x" formatting (which pads through
            # intermediate strings), and refuses an id out of range.
            flags = "01" if context.trace_options & _SAMPLED else "00"
            trace_id_hex = trace_id.to_bytes(16, "big").hex()
            span_id_hex = span_id.to_bytes(8, "big").hex()
            set_in_carrier(carrier, _TRACEPARENT, f"00-{trace_id_hex}-{span_id_hex}-{flags}")
            trace_state = context.trace_state
            try:
                # The header to_header() cached, read without the call; empty
                # for the empty state, so no __len__ either.
                state_header = trace_state._header
            except AttributeError:  # a plain dict, as v0.3 code may give: checked here
                state_header = TraceState(trace_state).to_header()
            else:
                if state_header is None:
                    state_header = trace_state.to_header()
            if state_header:
                set_in_carrier(carrier, _TRACESTATE, state_header)
        except Exception:  # a broken span or setter must not break the request
            report_exception(logger, "Injecting the trace context failed", level=logging.WARNING)
