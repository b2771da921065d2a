"""Ending a span: its times, and every later change ignored with a warning."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import span as span_module
from opentelemetry.trace.status import Status, StatusCanonicalCode
from opentelemetry.util import time_ns


def _snapshot(span):
    return (
        span.name,
        dict(span.attributes),
        [(e.name, e.timestamp, dict(e.attributes)) for e in span.events],
        span.status,
        span.start_time,
        span.end_time,
        (span.dropped_attributes, span.dropped_events, span.dropped_links),
    )


_LATE_CHANGES = {
    "set_attribute": lambda span: span.set_attribute("late", 1),
    "set_attribute_existing": lambda span: span.set_attribute("k", "changed"),
    "add_event": lambda span: span.add_event("late", {"a": 1}, 5),
    "add_lazy_event": lambda span: span.add_lazy_event(trace_api.Event("late", None, 5)),
    "set_status": lambda span: span.set_status(Status(StatusCanonicalCode.INTERNAL, "x")),
    "update_name": lambda span: span.update_name("renamed"),
    "end": lambda span: span.end(),
    "end_with_time": lambda span: span.end(end_time=span.end_time + 1000),
    "start": lambda span: span.start(start_time=1),
}


@pytest.mark.parametrize("change", sorted(_LATE_CHANGES))
def test_a_change_after_end_is_ignored_with_one_warning(tracer, exporter, caplog, change):
    with tracer.start_as_current_span("s", attributes={"k": "v"}) as span:
        span.add_event("e", {"a": 1}, 10)
    (exported,) = exporter.get_finished_spans()
    before = _snapshot(exported)
    with caplog.at_level(logging.WARNING):
        _LATE_CHANGES[change](span)
    assert _snapshot(exported) == before
    assert len(exporter.get_finished_spans()) == 1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "already" in warnings[0].getMessage()


def test_an_exception_leaving_an_ended_span_keeps_its_status(tracer, exporter, caplog):
    span = tracer.start_span("s")
    span.end()
    with caplog.at_level(logging.WARNING):
        with pytest.raises(KeyError):
            with span:
                raise KeyError("late")
    assert span.status.is_ok
    assert len(exporter.get_finished_spans()) == 1


def test_explicit_start_and_end_times_are_used_exactly(tracer, exporter):
    span = tracer.start_span("s", start_time=1_000_000_000)
    span.end(end_time=1_000_000_500)
    (exported,) = exporter.get_finished_spans()
    assert (exported.start_time, exported.end_time) == (1_000_000_000, 1_000_000_500)


def test_default_times_come_from_the_clock(tracer):
    before = time_ns()
    span = tracer.start_span("s")
    span.end()
    after = time_ns()
    assert before <= span.start_time <= span.end_time <= after


@pytest.mark.parametrize("bad", [-1, 2**63, 2**200, 1.0e18, True], ids=repr)
def test_explicit_times_outside_int64_ns_are_logged_and_replaced_by_now(tracer, caplog, bad):
    before = time_ns()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", start_time=bad)
        span.end(end_time=bad)
    assert before <= span.start_time <= span.end_time <= time_ns()
    assert caplog.text.count("not an int of ns") == 2


def test_the_int64_limits_themselves_are_accepted(tracer):
    span = tracer.start_span("s", start_time=0)
    span.end(end_time=2**63 - 1)
    assert (span.start_time, span.end_time) == (0, 2**63 - 1)


def test_an_end_time_before_the_start_is_moved_to_the_start(tracer):
    span = tracer.start_span("s", start_time=5_000)
    span.end(end_time=4_999)
    assert span.end_time == 5_000


def test_a_clock_stepping_back_never_makes_a_span_end_before_it_starts(tracer, monkeypatch):
    span = tracer.start_span("s")
    monkeypatch.setattr(span_module, "time_ns", lambda: span.start_time - 1_000_000)
    span.end()
    assert span.end_time == span.start_time


def test_a_span_ended_once_is_exported_once_with_its_first_end_time(tracer, exporter, caplog):
    span = tracer.start_span("s", start_time=100)
    span.end(end_time=200)
    with caplog.at_level(logging.WARNING):
        span.end(end_time=300)
        span.end()
    assert exporter.get_finished_spans() == (span,)
    assert span.end_time == 200
    assert caplog.text.count("already ended") == 2


def test_invalid_changes_after_end_are_still_harmless(tracer, caplog):
    span = tracer.start_span("s")
    span.end()
    with caplog.at_level(logging.WARNING):
        span.set_attribute(None, None)
        span.add_event(None, "not a mapping", "not a time")
        span.add_lazy_event(None)
        span.set_status(None)
        span.update_name(None)
        span.end(end_time="later")
    assert span.name == "s" and dict(span.attributes) == {} and span.events == ()
