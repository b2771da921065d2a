"""Exceptions as events: escaping a span's block, and recorded by hand."""

import logging

import pytest

from opentelemetry.trace.status import Status, StatusCanonicalCode


class PaymentDeclined(Exception):
    pass


def _fail():
    raise PaymentDeclined("card 42 declined")


def _exception_event(span):
    (event,) = [event for event in span.events if event.name == "exception"]
    return event


def test_an_escaping_exception_adds_an_exception_event_and_sets_the_status(tracer, exporter):
    with pytest.raises(PaymentDeclined):
        with tracer.start_as_current_span("pay"):
            _fail()
    (span,) = exporter.get_finished_spans()
    attributes = _exception_event(span).attributes
    assert attributes["exception.type"] == __name__ + ".PaymentDeclined"
    assert attributes["exception.message"] == "card 42 declined"
    assert attributes["exception.escaped"] is True
    stacktrace = attributes["exception.stacktrace"]
    assert stacktrace.startswith("Traceback (most recent call last):")
    assert "in _fail" in stacktrace and 'raise PaymentDeclined("card 42 declined")' in stacktrace
    assert stacktrace.rstrip().endswith("PaymentDeclined: card 42 declined")
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN


def test_builtin_exception_types_are_not_qualified(tracer, exporter):
    with pytest.raises(KeyError):
        with tracer.start_as_current_span("s"):
            {}["missing"]
    (span,) = exporter.get_finished_spans()
    assert _exception_event(span).attributes["exception.type"] == "KeyError"


def test_the_stacktrace_is_the_exceptions_own_even_when_recorded_elsewhere(tracer, exporter):
    try:
        _fail()
    except PaymentDeclined as caught:
        error = caught
    with tracer.start_as_current_span("report") as span:
        span.record_exception(error)
    stacktrace = _exception_event(exporter.get_finished_spans()[0]).attributes["exception.stacktrace"]
    assert "in _fail" in stacktrace
    assert "record_exception" not in stacktrace


def test_record_exception_records_a_handled_exception_without_touching_the_status(tracer, exporter):
    with tracer.start_as_current_span("retry") as span:
        try:
            _fail()
        except PaymentDeclined as error:
            span.record_exception(error, {"retry.attempt": 2, "exception.message": "redacted"}, 123)
    (finished,) = exporter.get_finished_spans()
    event = _exception_event(finished)
    assert event.timestamp == 123
    assert event.attributes["exception.escaped"] is False
    assert event.attributes["retry.attempt"] == 2
    assert event.attributes["exception.message"] == "redacted"
    assert finished.status.is_ok


def test_with_set_status_on_exception_false_the_event_is_recorded_but_not_the_status(tracer, exporter):
    with pytest.raises(PaymentDeclined):
        with tracer.start_span("s", set_status_on_exception=False):
            _fail()
    (span,) = exporter.get_finished_spans()
    assert _exception_event(span).attributes["exception.escaped"] is True
    assert span.status.is_ok


def test_a_status_set_in_the_block_is_kept_and_the_event_still_recorded(tracer, exporter):
    with pytest.raises(PaymentDeclined):
        with tracer.start_as_current_span("s") as span:
            span.set_status(Status(StatusCanonicalCode.ABORTED, "mine"))
            _fail()
    (finished,) = exporter.get_finished_spans()
    assert finished.status.description == "mine"
    assert _exception_event(finished).attributes["exception.escaped"] is True


def test_record_exception_ignores_what_is_not_an_exception_and_after_the_end(tracer, caplog):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.record_exception("boom")  # type: ignore[arg-type]
        span.end()
        span.record_exception(ValueError("late"))
    assert span.events == ()
    assert "not an exception" in caplog.text and "already ended" in caplog.text


def test_an_unprintable_exception_is_still_recorded(tracer, exporter):
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no")

    with pytest.raises(Unprintable):
        with tracer.start_as_current_span("s"):
            raise Unprintable()
    attributes = _exception_event(exporter.get_finished_spans()[0]).attributes
    assert attributes["exception.message"] == "<unprintable Unprintable>"
    assert attributes["exception.type"].endswith("Unprintable")


def test_the_no_op_span_accepts_record_exception():
    from opentelemetry import trace

    assert trace.INVALID_SPAN.record_exception(ValueError("x")) is None


def test_the_event_counts_against_the_event_limit_like_any_other(exporter):
    from opentelemetry.sdk.trace import SpanLimits, TracerSource
    from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor

    source = TracerSource(shutdown_on_exit=False, span_limits=SpanLimits(max_events=1))
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    with pytest.raises(PaymentDeclined):
        with source.get_tracer("t").start_as_current_span("s") as span:
            span.add_event("first")
            _fail()
    (finished,) = exporter.get_finished_spans()
    assert [event.name for event in finished.events] == ["exception"]
    assert finished.dropped_events == 1
