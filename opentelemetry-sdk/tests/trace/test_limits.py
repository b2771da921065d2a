"""Span limits: the oldest entries are evicted and every drop is counted."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import SpanLimits, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _tracer(limits=None):
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, span_limits=limits)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source.get_tracer(__name__), exporter


def _links(count):
    return [trace_api.Link(trace_api.SpanContext(1, i + 1)) for i in range(count)]


def test_defaults_are_the_v0_3_limits():
    limits = SpanLimits()
    assert (limits.max_attributes, limits.max_events, limits.max_links) == (32, 128, 32)
    assert TracerSource(shutdown_on_exit=False).span_limits.max_attributes == 32


def test_default_source_keeps_the_last_32_attributes_and_counts_the_rest():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    for i in range(40):
        span.set_attribute("k{}".format(i), i)
    assert list(span.attributes) == ["k{}".format(i) for i in range(8, 40)]
    assert span.dropped_attributes == 8


def test_default_source_keeps_the_last_128_events_and_counts_the_rest():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    for i in range(130):
        span.add_event(str(i))
    assert [e.name for e in span.events] == [str(i) for i in range(2, 130)]
    assert span.dropped_events == 2


def test_default_source_keeps_the_last_32_links_and_counts_the_rest():
    tracer, _ = _tracer()
    links = _links(35)
    span = tracer.start_span("s", links=links)
    assert list(span.links) == links[3:]
    assert span.dropped_links == 3


def test_limits_are_configurable_on_the_tracer_source():
    tracer, _ = _tracer(SpanLimits(max_attributes=2, max_events=3, max_links=1))
    links = _links(2)
    span = tracer.start_span("s", attributes={"a": 1, "b": 2, "c": 3}, links=links)
    for name in "vwxyz":
        span.add_event(name)
    assert dict(span.attributes) == {"b": 2, "c": 3}
    assert [e.name for e in span.events] == ["x", "y", "z"]
    assert list(span.links) == links[1:]
    assert (span.dropped_attributes, span.dropped_events, span.dropped_links) == (1, 2, 1)


def test_evictions_at_start_and_later_add_up():
    tracer, _ = _tracer(SpanLimits(max_attributes=2))
    span = tracer.start_span("s", attributes={"a": 1, "b": 2, "c": 3})
    span.set_attribute("d", 4)
    span.set_attribute("e", 5)
    assert dict(span.attributes) == {"d": 4, "e": 5}
    assert span.dropped_attributes == 3


def test_replacing_a_key_at_the_limit_evicts_nothing_and_makes_it_newest():
    tracer, _ = _tracer(SpanLimits(max_attributes=2))
    span = tracer.start_span("s", attributes={"a": 1, "b": 2})
    span.set_attribute("a", 10)
    assert dict(span.attributes) == {"a": 10, "b": 2}
    assert span.dropped_attributes == 0
    span.set_attribute("c", 3)
    assert dict(span.attributes) == {"a": 10, "c": 3}
    assert span.dropped_attributes == 1


def test_a_limit_of_zero_keeps_nothing_and_counts_everything():
    tracer, _ = _tracer(SpanLimits(max_attributes=0, max_events=0, max_links=0))
    span = tracer.start_span("s", attributes={"a": 1}, links=_links(2))
    span.set_attribute("b", 2)
    span.set_attribute("c", 3)
    span.add_event("e")
    assert dict(span.attributes) == {}
    assert span.events == () and span.links == ()
    assert (span.dropped_attributes, span.dropped_events, span.dropped_links) == (3, 1, 2)


def test_invalid_values_are_not_counted_as_evictions(caplog):
    tracer, _ = _tracer(SpanLimits(max_attributes=1))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes={"a": None})
        span.set_attribute("b", None)
    assert span.dropped_attributes == 0


def test_event_and_link_attributes_share_the_attribute_limit():
    tracer, _ = _tracer(SpanLimits(max_attributes=2))
    link = trace_api.Link(trace_api.SpanContext(1, 1), {"a": 1, "b": 2, "c": 3})
    span = tracer.start_span("s", links=[link])
    span.add_event("e", {"x": 1, "y": 2, "z": 3})
    assert dict(span.links[0].attributes) == {"b": 2, "c": 3}
    assert dict(span.events[0].attributes) == {"y": 2, "z": 3}


def test_dropped_counts_reach_the_exporter():
    tracer, exporter = _tracer(SpanLimits(max_attributes=1, max_events=1, max_links=1))
    with tracer.start_as_current_span("s", attributes={"a": 1, "b": 2}, links=_links(3)) as span:
        span.add_event("one")
        span.add_event("two")
    (exported,) = exporter.get_finished_spans()
    assert (exported.dropped_attributes, exported.dropped_events, exported.dropped_links) == (
        1,
        1,
        2,
    )
    assert dict(exported.attributes) == {"b": 2}
    assert [e.name for e in exported.events] == ["two"]


@pytest.mark.parametrize("bad", [-1, "10", 2.0, None, True], ids=repr)
def test_a_limit_that_is_not_an_int_of_at_least_zero_is_logged_and_the_default_used(
    caplog, bad
):
    with caplog.at_level(logging.WARNING):
        limits = SpanLimits(max_attributes=bad, max_events=bad, max_links=bad)
    assert (limits.max_attributes, limits.max_events, limits.max_links) == (32, 128, 32)
    assert caplog.text.count("is not an int >= 0") == 3


def test_limits_repr_names_the_values():
    assert repr(SpanLimits(1, 2, 3, 4)) == (
        "SpanLimits(max_attributes=1, max_events=2, max_links=3, max_attribute_length=4)"
    )
