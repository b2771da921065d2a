"""The global propagators: inject/extract with the process's format."""

import logging

import pytest

from opentelemetry import propagators
from opentelemetry.context.propagation import HTTPTextFormat
from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.trace import INVALID_SPAN_CONTEXT, DefaultSpan, SpanContext, Tracer

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


class FixedTracer(Tracer):
    def __init__(self, span):
        self.span = span

    def get_current_span(self):
        return self.span


@pytest.fixture(autouse=True)
def restore_global_format():
    before = propagators.get_global_httptextformat()
    yield
    propagators.set_global_httptextformat(before)


def test_default_format_is_w3c_trace_context():
    assert isinstance(propagators.get_global_httptextformat(), TraceContextHTTPTextFormat)


def test_extract_uses_the_global_format():
    context = propagators.extract(lambda c, n: c.get(n), {"traceparent": [TRACEPARENT]})
    assert context.span_id == 0x00F067AA0BA902B7


def test_inject_writes_the_current_span_of_the_tracer():
    carrier = {}
    span = DefaultSpan(SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7))
    propagators.inject(FixedTracer(span), dict.__setitem__, carrier)
    assert carrier == {"traceparent": TRACEPARENT[:-2] + "00"}


def test_inject_without_a_current_span_writes_nothing():
    carrier = {}
    propagators.inject(FixedTracer(None), dict.__setitem__, carrier)
    propagators.inject(Tracer(), dict.__setitem__, carrier)
    assert carrier == {}


def test_inject_with_something_that_is_not_a_tracer_logs_and_writes_nothing(caplog):
    carrier = {}
    with caplog.at_level(logging.WARNING):
        propagators.inject("not a tracer", dict.__setitem__, carrier)  # type: ignore[arg-type]
    assert carrier == {}
    assert "no current span" in caplog.text


def test_set_global_httptextformat_replaces_the_format():
    class Fixed(HTTPTextFormat):
        def extract(self, get_from_carrier, carrier):
            return SpanContext(1, 2)

        def inject(self, span, set_in_carrier, carrier):
            set_in_carrier(carrier, "fixed", "yes")

    propagators.set_global_httptextformat(Fixed())
    carrier = {}
    propagators.inject(FixedTracer(DefaultSpan(SpanContext(1, 2))), dict.__setitem__, carrier)
    assert carrier == {"fixed": "yes"}
    assert propagators.extract(lambda c, n: [], {}) == SpanContext(1, 2)


def test_set_global_httptextformat_refuses_what_is_not_a_format(caplog):
    before = propagators.get_global_httptextformat()
    with caplog.at_level(logging.WARNING):
        propagators.set_global_httptextformat(object())  # type: ignore[arg-type]
    assert propagators.get_global_httptextformat() is before
    assert "no extract and inject methods" in caplog.text


def test_extract_of_nothing_is_the_invalid_context():
    assert propagators.extract(lambda c, n: None, None) is INVALID_SPAN_CONTEXT


def test_a_class_with_class_methods_can_be_the_global_format():
    class ShimFormat:
        @classmethod
        def extract(cls, get_from_carrier, carrier):
            return SpanContext(int(get_from_carrier(carrier, "shim-trace")[0]), 7)

        @classmethod
        def inject(cls, span, set_in_carrier, carrier):
            set_in_carrier(carrier, "shim-trace", str(span.get_context().trace_id))

    propagators.set_global_httptextformat(ShimFormat)
    assert propagators.get_global_httptextformat() is ShimFormat
    carrier = {}
    propagators.inject(FixedTracer(DefaultSpan(SpanContext(42, 2))), dict.__setitem__, carrier)
    assert carrier == {"shim-trace": "42"}
    assert propagators.extract(lambda c, n: [c[n]], carrier) == SpanContext(42, 7)


def test_the_w3c_format_works_through_its_class_as_in_v03():
    carrier = {}
    TraceContextHTTPTextFormat.inject(
        DefaultSpan(SpanContext(0x4BF92F3577B34DA6A3CE929D0E0E4736, 0x00F067AA0BA902B7, 1)),
        dict.__setitem__,
        carrier,
    )
    assert carrier == {"traceparent": TRACEPARENT}
    context = TraceContextHTTPTextFormat.extract(lambda c, n: [c[n]] if n in c else [], carrier)
    assert context.span_id == 0x00F067AA0BA902B7
