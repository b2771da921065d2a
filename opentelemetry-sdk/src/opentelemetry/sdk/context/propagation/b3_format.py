"""Zipkin's B3 propagation: the ``X-B3-*`` headers and the single ``b3`` header.

Follows the B3 specification (github.com/openzipkin/b3-propagation). Trace
ids are 32 or 16 lower-hex characters (a 64-bit id is the low half of a
128-bit one, so it is used as is, left-padded with zeros); span ids are 16.
"""

import logging
import re
from typing import Optional, TypeVar

from opentelemetry import trace
from opentelemetry.context.propagation import Getter, HTTPTextFormat, Setter
from opentelemetry.util._error_handler import report_exception

__all__ = [
    "B3Format",
    "b3_span_id_hex",
    "b3_trace_id_hex",
    "format_span_id",
    "format_trace_id",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# {TraceId}-{SpanId}[-{SamplingState}[-{ParentSpanId}]]
_SINGLE_HEADER_PATTERN = re.compile(
    r"([0-9a-f]{32}|[0-9a-f]{16})-([0-9a-f]{16})(?:-([01d])(?:-[0-9a-f]{16})?)?\Z"
)
_TRACE_ID_PATTERN = re.compile(r"(?:[0-9a-f]{32}|[0-9a-f]{16})\Z")
_SPAN_ID_PATTERN = re.compile(r"[0-9a-f]{16}\Z")
# "d" (debug) is the single header's; v0.3 accepted it in X-B3-Sampled too.
_SAMPLED_VALUES = frozenset(("1", "true", "d"))
_NOT_SAMPLED_VALUES = frozenset(("0", "false"))
_SAMPLED = trace.TraceOptions(trace.TraceOptions.SAMPLED)
_NOT_SAMPLED = trace.TraceOptions(trace.TraceOptions.DEFAULT)


def b3_trace_id_hex(trace_id: int) -> str:
    """A trace id as B3 writes it: 32 lower-hex characters, no ``0x``."""
    return "{:032x}".format(trace_id)


def b3_span_id_hex(span_id: int) -> str:
    """A span id as B3 writes it: 16 lower-hex characters, no ``0x``."""
    return "{:016x}".format(span_id)


#: v0.3's name for :func:`b3_trace_id_hex`, kept for code that imports it from
#: here. Not :func:`opentelemetry.trace.format_trace_id`, which writes ``0x``
#: first: B3 headers carry the bare hex digits.
format_trace_id = b3_trace_id_hex
#: v0.3's name for :func:`b3_span_id_hex`, kept for code that imports it from
#: here. Not :func:`opentelemetry.trace.format_span_id`, which writes ``0x``
#: first.
format_span_id = b3_span_id_hex


def _first_value(get_from_carrier: Getter[_T], carrier: _T, name: str) -> Optional[str]:
    """The first value of header ``name`` (B3: "the first value wins"), stripped."""
    values = get_from_carrier(carrier, name)
    if not values:
        return None
    value = values if isinstance(values, str) else values[0]
    if type(value) is not str:
        logger.debug("Ignored B3 header %s: %.100r is not a str", name, value)
        return None
    return value.strip(" \t")


class B3Format(HTTPTextFormat):
    """Propagates span contexts in Zipkin's B3 headers.

    Extraction reads the single ``b3`` header when present and valid (it
    takes precedence), else the ``X-B3-*`` headers. ``X-B3-Sampled`` may be
    ``1``/``0`` or the legacy ``true``/``false``; the debug flag
    (``X-B3-Flags: 1``, or ``d`` in either sampling header) implies sampled.
    A single header without a sampling state means the caller deferred the
    decision; as in v0.3 it reads as sampled. As in v0.3 too, ``X-B3-*``
    headers without ``X-B3-Sampled`` (or ``X-B3-Flags``) read as not
    sampled; the local sampler then decides (the default, ``ALWAYS_ON``,
    records the trace). Missing or malformed ids yield
    :data:`~opentelemetry.trace.INVALID_SPAN_CONTEXT`; nothing raises.

    Injection writes the ``X-B3-*`` headers (in lower case, which HTTP
    treats as the same names and case-sensitive transports prefer), with
    ``X-B3-ParentSpanId`` from the span's ``parent`` when it has one and
    ``X-B3-Sampled`` always ``1`` or ``0``. With ``single_header=True``
    (``OTEL_PROPAGATORS=b3``) it writes the one ``b3`` header instead:
    ``{TraceId}-{SpanId}-{1|0}``.
    """

    SINGLE_HEADER_KEY = "b3"
    TRACE_ID_KEY = "x-b3-traceid"
    SPAN_ID_KEY = "x-b3-spanid"
    PARENT_SPAN_ID_KEY = "x-b3-parentspanid"
    SAMPLED_KEY = "x-b3-sampled"
    FLAGS_KEY = "x-b3-flags"

    @classmethod
    def extract(cls, get_from_carrier: Getter[_T], carrier: _T) -> trace.SpanContext:
        """The span context in the carrier's B3 headers, or the invalid one.

        A class method, as in v0.3: ``B3Format.extract(...)`` works too.
        """
        try:
            single = _first_value(get_from_carrier, carrier, cls.SINGLE_HEADER_KEY)
            if single is not None:
                context = cls._from_single_header(single)
                if context is not None:
                    return context
            return cls._from_multiple_headers(get_from_carrier, carrier)
        except Exception:  # a broken getter must not break the request it serves
            report_exception(logger, "Extracting the B3 context failed", level=logging.WARNING)
            return trace.INVALID_SPAN_CONTEXT

    @staticmethod
    def _from_single_header(value: str) -> Optional[trace.SpanContext]:
        """The context in a ``b3`` value, or ``None`` (logged) if it carries none."""
        # Anchored and without nested repeats: a long value fails within its first 68 characters.
        match = _SINGLE_HEADER_PATTERN.match(value)
        if match is None:
            # Includes a sampling state sent alone ("b3: 0"): without ids
            # there is no context to continue.
            logger.debug("Ignored b3 header %.100r: no trace and span id", value)
            return None
        trace_id = int(match.group(1), 16)
        span_id = int(match.group(2), 16)
        if not trace_id or not span_id:
            logger.debug("Ignored b3 header %r: an all-zero id is invalid", value)
            return None
        sampled = match.group(3) in ("1", "d", None)  # None: deferred, read as sampled
        return trace.SpanContext(
            trace_id, span_id, _SAMPLED if sampled else _NOT_SAMPLED, is_remote=True
        )

    @classmethod
    def _from_multiple_headers(
        cls, get_from_carrier: Getter[_T], carrier: _T
    ) -> trace.SpanContext:
        """The context in the ``X-B3-*`` headers, or the invalid one."""
        trace_id_hex = _first_value(get_from_carrier, carrier, cls.TRACE_ID_KEY)
        span_id_hex = _first_value(get_from_carrier, carrier, cls.SPAN_ID_KEY)
        if trace_id_hex is None or span_id_hex is None:
            return trace.INVALID_SPAN_CONTEXT
        if (
            _TRACE_ID_PATTERN.match(trace_id_hex) is None
            or _SPAN_ID_PATTERN.match(span_id_hex) is None
        ):
            logger.debug("Ignored B3 ids %.100r, %.100r: not lower hex", trace_id_hex, span_id_hex)
            return trace.INVALID_SPAN_CONTEXT
        trace_id = int(trace_id_hex, 16)
        span_id = int(span_id_hex, 16)
        if not trace_id or not span_id:
            logger.debug("Ignored B3 ids: an all-zero id is invalid")
            return trace.INVALID_SPAN_CONTEXT
        sampled = False  # no X-B3-Sampled reads as not sampled, as in v0.3
        if _first_value(get_from_carrier, carrier, cls.FLAGS_KEY) == "1":
            sampled = True  # debug implies an accept decision
        else:
            sampled_value = _first_value(get_from_carrier, carrier, cls.SAMPLED_KEY)
            if sampled_value is not None:
                sampled_value = sampled_value.lower()
                sampled = sampled_value in _SAMPLED_VALUES
                if not sampled and sampled_value not in _NOT_SAMPLED_VALUES:
                    logger.debug("Read X-B3-Sampled %.100r as not sampled", sampled_value)
        return trace.SpanContext(
            trace_id, span_id, _SAMPLED if sampled else _NOT_SAMPLED, is_remote=True
        )

    def __init__(self, single_header: bool = False) -> None:
        #: Whether ``inject`` writes the single ``b3`` header rather than ``X-B3-*``.
        self.single_header = single_header is True
        if self.single_header:
            # This instance's inject shadows the class method, which v0.3
            # code calls on the class and which writes the X-B3-* headers.
            self.inject = self._inject_single_header  # type: ignore[method-assign]

    def _inject_single_header(
        self, span: trace.Span, set_in_carrier: Setter[_T], carrier: _T
    ) -> None:
        """Write the one ``b3`` header for ``span``: ``{TraceId}-{SpanId}-{1|0}``."""
        try:
            context = span.get_context()
            if not context.is_valid():
                return
            set_in_carrier(
                carrier,
                self.SINGLE_HEADER_KEY,
                "{}-{}-{}".format(
                    b3_trace_id_hex(context.trace_id),
                    b3_span_id_hex(context.span_id),
                    "1" if context.trace_options.sampled else "0",
                ),
            )
        except Exception:  # a broken span or setter must not break the request
            report_exception(logger, "Injecting the B3 context failed", level=logging.WARNING)

    @classmethod
    def inject(cls, span: trace.Span, set_in_carrier: Setter[_T], carrier: _T) -> None:
        """Write the ``X-B3-*`` headers for ``span``; a class method, as in v0.3.

        Writes nothing for ``None`` (no current span) or a span with an invalid context.
        """
        if span is None:
            return
        try:
            context = span.get_context()
            if not context.is_valid():
                return
            set_in_carrier(carrier, cls.TRACE_ID_KEY, b3_trace_id_hex(context.trace_id))
            set_in_carrier(carrier, cls.SPAN_ID_KEY, b3_span_id_hex(context.span_id))
            parent_context = getattr(span, "parent_context", None)  # SDK spans keep it
            if parent_context is not None and parent_context.span_id:
                set_in_carrier(
                    carrier, cls.PARENT_SPAN_ID_KEY, b3_span_id_hex(parent_context.span_id)
                )
            set_in_carrier(
                carrier, cls.SAMPLED_KEY, "1" if context.trace_options.sampled else "0"
            )
        except Exception:  # a broken span or setter must not break the request
            report_exception(logger, "Injecting the B3 context failed", level=logging.WARNING)

