"""The process's propagation format, and inject/extract with it.

Instrumentation of an HTTP client calls :func:`inject` before sending a
request; instrumentation of a server calls :func:`extract` on each incoming
request and starts its span with the result as parent::

    from opentelemetry import propagators, trace

    # client
    headers = {}
    propagators.inject(tracer, dict.__setitem__, headers)

    # server
    context = propagators.extract(lambda h, name: h.get_all(name), request.headers)
    with tracer.start_as_current_span("handle", parent=context, kind=trace.SpanKind.SERVER):
        ...

The format is the W3C Trace Context
(:class:`~opentelemetry.context.propagation.tracecontexthttptextformat.TraceContextHTTPTextFormat`)
unless the application chooses another at start-up with
:func:`set_global_httptextformat`.
"""

import logging
from typing import TypeVar

from opentelemetry.context.propagation import Getter, HTTPTextFormat, Setter
from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.trace import INVALID_SPAN, SpanContext, Tracer
from opentelemetry.util._error_handler import report_exception

__all__ = ["extract", "get_global_httptextformat", "inject", "set_global_httptextformat"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

_HTTP_TEXT_FORMAT: HTTPTextFormat = TraceContextHTTPTextFormat()


def extract(get_from_carrier: Getter[_T], carrier: _T) -> SpanContext:
    """The caller's span context, read from ``carrier`` with the global format.

    ``get_from_carrier(carrier, name)`` returns the list of values of header
    ``name``, looked up in any case. Missing or malformed headers give
    :data:`~opentelemetry.trace.INVALID_SPAN_CONTEXT`, which as a parent
    starts a new trace.
    """
    return _HTTP_TEXT_FORMAT.extract(get_from_carrier, carrier)


def inject(tracer: Tracer, set_in_carrier: Setter[_T], carrier: _T) -> None:
    """Write the context of ``tracer``'s current span into ``carrier``.

    ``set_in_carrier(carrier, name, value)`` sets one header. With no current
    span nothing is written.
    """
    try:
        span = tracer.get_current_span()
    except Exception:  # a broken tracer must not break the request
        report_exception(
            logger, "inject(): %r has no current span to read", tracer, level=logging.WARNING
        )
        return
    _HTTP_TEXT_FORMAT.inject(INVALID_SPAN if span is None else span, set_in_carrier, carrier)


def get_global_httptextformat() -> HTTPTextFormat:
    """The format :func:`inject` and :func:`extract` use."""
    return _HTTP_TEXT_FORMAT


def set_global_httptextformat(http_text_format: HTTPTextFormat) -> None:
    """Use ``http_text_format`` for every later :func:`inject` and :func:`extract`.

    Call it at start-up, e.g. with the SDK's ``B3Format`` to talk to
    Zipkin-instrumented services. Any object with callable ``extract`` and
    ``inject`` will do, as in v0.3: an
    :class:`~opentelemetry.context.propagation.HTTPTextFormat`, or a class
    whose ``extract`` and ``inject`` are class methods. Anything else is
    refused with a warning and the current format kept.
    """
    global _HTTP_TEXT_FORMAT  # pylint: disable=global-statement
    if not (
        callable(getattr(http_text_format, "extract", None))
        and callable(getattr(http_text_format, "inject", None))
    ):
        logger.warning(
            "set_global_httptextformat(%r) ignored: it has no extract and inject methods",
            http_text_format,
        )
        return
    _HTTP_TEXT_FORMAT = http_text_format
