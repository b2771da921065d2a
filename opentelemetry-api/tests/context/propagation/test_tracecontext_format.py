"""TraceContextHTTPTextFormat: its behaviour beyond the W3C rules (see tests/test_w3c_trace_context.py)."""

import logging

import pytest

from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.trace import (
    INVALID_SPAN,
    INVALID_SPAN_CONTEXT,
    DefaultSpan,
    Span,
    SpanContext,
    TraceOptions,
    TraceState,
)

FORMAT = TraceContextHTTPTextFormat()
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def get_from_dict(carrier, name):
    value = carrier.get(name)
    return [] if value is None else [value]


def set_in_dict(carrier, name, value):
    carrier[name] = value


def test_extract_reads_ids_flags_and_state():
    context = FORMAT.extract(
        get_from_dict, {"traceparent": TRACEPARENT, "tracestate": "rojo=1,congo=2"}
    )
    assert context.trace_id == 0x4BF92F3577B34DA6A3CE929D0E0E4736
    assert context.span_id == 0x00F067AA0BA902B7
    assert context.trace_options.sampled
    assert list(context.trace_state.items()) == [("rojo", "1"), ("congo", "2")]


def test_extract_without_headers_is_the_invalid_context():
    assert FORMAT.extract(get_from_dict, {}) is INVALID_SPAN_CONTEXT


def test_extract_accepts_a_getter_returning_none_for_a_missing_header():
    assert FORMAT.extract(lambda carrier, name: None, {}) is INVALID_SPAN_CONTEXT


def test_extract_accepts_a_getter_returning_a_bare_string():
    context = FORMAT.extract(lambda carrier, name: carrier.get(name), {"traceparent": TRACEPARENT})
    assert context.span_id == 0x00F067AA0BA902B7


def test_extract_with_a_failing_getter_logs_and_returns_the_invalid_context(caplog):
    def broken(carrier, name):
        raise KeyError(name)

    with caplog.at_level(logging.WARNING):
        assert FORMAT.extract(broken, {}) is INVALID_SPAN_CONTEXT
    assert "Extracting the trace context failed" in caplog.text


def test_extract_ignores_a_value_that_is_not_a_string():
    assert FORMAT.extract(lambda c, n: [TRACEPARENT.encode()], {}) is INVALID_SPAN_CONTEXT


def test_malformed_traceparent_is_logged_at_debug_level(caplog):
    with caplog.at_level(logging.DEBUG):
        FORMAT.extract(get_from_dict, {"traceparent": "00-xyz"})
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]


def test_inject_writes_traceparent_and_tracestate():
    context = SpanContext(
        0x4BF92F3577B34DA6A3CE929D0E0E4736,
        0x00F067AA0BA902B7,
        TraceOptions(TraceOptions.SAMPLED),
        TraceState([("rojo", "1")]),
    )
    carrier = {}
    FORMAT.inject(DefaultSpan(context), set_in_dict, carrier)
    assert carrier == {"traceparent": TRACEPARENT, "tracestate": "rojo=1"}


def test_inject_of_an_unsampled_span_writes_flags_00():
    carrier = {}
    FORMAT.inject(DefaultSpan(SpanContext(1, 2)), set_in_dict, carrier)
    assert carrier == {"traceparent": "00-00000000000000000000000000000001-0000000000000002-00"}


def test_inject_of_an_invalid_span_writes_nothing():
    carrier = {}
    FORMAT.inject(INVALID_SPAN, set_in_dict, carrier)
    FORMAT.inject(DefaultSpan(SpanContext(1, 0)), set_in_dict, carrier)
    assert carrier == {}


def test_inject_with_a_failing_setter_logs_and_returns(caplog):
    def broken(carrier, name, value):
        raise TypeError("read-only")

    with caplog.at_level(logging.WARNING):
        FORMAT.inject(DefaultSpan(SpanContext(1, 2)), broken, {})
    assert "Injecting the trace context failed" in caplog.text


def test_inject_of_a_span_whose_get_context_fails_logs_and_returns(caplog):
    class BrokenSpan(Span):
        def get_context(self):
            raise RuntimeError("broken")

    carrier = {}
    with caplog.at_level(logging.WARNING):
        FORMAT.inject(BrokenSpan(), set_in_dict, carrier)
    assert carrier == {}
    assert "Injecting the trace context failed" in caplog.text


def test_header_names_are_class_constants():
    assert TraceContextHTTPTextFormat.TRACEPARENT_HEADER_NAME == "traceparent"
    assert TraceContextHTTPTextFormat.TRACESTATE_HEADER_NAME == "tracestate"


def test_inject_with_no_current_span_writes_nothing_and_logs_nothing(caplog):
    carrier = {}
    with caplog.at_level(logging.DEBUG):
        FORMAT.inject(None, dict.__setitem__, carrier)

    assert carrier == {} and caplog.records == []


@pytest.mark.parametrize("trace_id, span_id", [(2**128, 2), (1, 2**64), (-1, 2), (1, -2)])
def test_inject_of_an_id_out_of_range_writes_nothing_and_logs(caplog, trace_id, span_id):
    carrier = {}
    with caplog.at_level(logging.WARNING):
        FORMAT.inject(DefaultSpan(SpanContext(trace_id, span_id)), set_in_dict, carrier)
    assert carrier == {}
    assert "Injecting the trace context failed" in caplog.text


def test_inject_writes_the_largest_ids_in_full():
    carrier = {}
    FORMAT.inject(DefaultSpan(SpanContext(2**128 - 1, 2**64 - 1)), set_in_dict, carrier)
    assert carrier == {"traceparent": "00-" + "f" * 32 + "-" + "f" * 16 + "-00"}


def test_inject_sends_the_trace_state_as_changed_in_place_since_the_last_inject():
    state = TraceState([("rojo", "1")])
    span = DefaultSpan(SpanContext(1, 2, None, state))
    first, second = {}, {}
    FORMAT.inject(span, set_in_dict, first)
    state["congo"] = "2"
    FORMAT.inject(span, set_in_dict, second)
    assert first["tracestate"] == "rojo=1"
    assert second["tracestate"] == "rojo=1,congo=2"


def test_inject_passes_an_extracted_tracestate_on_as_it_came():
    header = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE"
    parent = FORMAT.extract(get_from_dict, {"traceparent": TRACEPARENT, "tracestate": header})
    carrier = {}
    FORMAT.inject(DefaultSpan(parent), set_in_dict, carrier)
    assert carrier == {"traceparent": TRACEPARENT, "tracestate": header}
