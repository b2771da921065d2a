"""Trace and span ids on log records, so a backend can join logs to traces.

Add the filter to the handlers whose records should carry the ids, and use
the fields in the format::

    import logging
    from opentelemetry.sdk.trace.log_correlation import LOG_FORMAT, TraceContextFilter

    handler = logging.StreamHandler()
    handler.addFilter(TraceContextFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logging.getLogger().addHandler(handler)

A record logged inside a span then shows
``trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7``, the ids
as W3C ``traceparent`` writes them, so the same text finds the trace.
"""

import logging

from opentelemetry.context import Context
from opentelemetry.trace import Span

__all__ = ["LOG_FORMAT", "TraceContextFilter"]

#: A :class:`logging.Formatter` format with the fields :class:`TraceContextFilter` adds.
LOG_FORMAT = (
    "%(asctime)s %(levelname)s [%(name)s] [trace_id=%(otelTraceID)s span_id=%(otelSpanID)s "
    "trace_sampled=%(otelTraceSampled)s] %(message)s"
)

_NO_TRACE_ID = "0" * 32
_NO_SPAN_ID = "0" * 16


class TraceContextFilter(logging.Filter):
    """Adds the current span's ids to every record it sees, and lets every record through.

    The fields are ``otelTraceID`` (32 lower-case hex digits), ``otelSpanID``
    (16) and ``otelTraceSampled`` (``True`` or ``False``); outside a span
    they are all zeros and ``False``, so a format using them never fails. A
    field the record already has (set by an earlier filter, or with
    ``extra=``) is kept.

    The current span is read from the runtime context, where the SDK's
    tracers keep it: the filter never resolves the global tracer source, so
    adding it before tracing is configured changes nothing.
    """

    def __init__(self, name: str = "") -> None:
        super().__init__(name)
        self._current_span = Context.register_slot("current_span")

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "otelSpanID"):
            return True
        trace_id = _NO_TRACE_ID
        span_id = _NO_SPAN_ID
        sampled = False
        span = self._current_span.get()
        if isinstance(span, Span):
            try:
                context = span.get_context()
                if context.is_valid():
                    trace_id = "{:032x}".format(context.trace_id)
                    span_id = "{:016x}".format(context.span_id)
                    sampled = context.trace_options.sampled
            except Exception:  # a broken span must not lose the record; logging here could recurse
                trace_id, span_id, sampled = _NO_TRACE_ID, _NO_SPAN_ID, False
        record.otelTraceID = trace_id
        record.otelSpanID = span_id
        record.otelTraceSampled = sampled
        return True
