"""Events, links, status, names and kinds of a recording span."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.trace.status import Status, StatusCanonicalCode
from opentelemetry.util import time_ns

_REMOTE = trace_api.SpanContext(0xABC, 0xDEF, trace_api.TraceOptions(1))
_OTHER = trace_api.SpanContext(0x123, 0x456)


# -- events -----------------------------------------------------------------


def test_add_event_records_name_attributes_and_explicit_timestamp(tracer):
    span = tracer.start_span("s")
    span.add_event("cache miss", {"key": "user:1", "tries": [1, 2]}, timestamp=1234)
    (event,) = span.events
    assert event.name == "cache miss"
    assert event.timestamp == 1234
    assert dict(event.attributes) == {"key": "user:1", "tries": [1, 2]}


def test_add_event_without_timestamp_uses_now(tracer):
    span = tracer.start_span("s")
    before = time_ns()
    span.add_event("e")
    after = time_ns()
    (event,) = span.events
    assert before <= event.timestamp <= after
    assert dict(event.attributes) == {}


def test_events_are_kept_oldest_first_and_exported(tracer, exporter):
    with tracer.start_as_current_span("s") as span:
        for name in ("one", "two", "three"):
            span.add_event(name)
    (exported,) = exporter.get_finished_spans()
    assert [e.name for e in exported.events] == ["one", "two", "three"]


def test_event_attributes_are_checked_and_copied(tracer, caplog):
    given = {"ok": "v", "bad": None, "": 1, "list": ["a"]}
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_event("e", given)
    given["ok"] = "changed"
    given["list"].append("b")
    assert dict(span.events[0].attributes) == {"ok": "v", "list": ["a"]}
    assert "Dropped attribute value" in caplog.text and "invalid key" in caplog.text


def test_event_with_non_mapping_attributes_keeps_the_event_without_them(tracer, caplog):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_event("e", ["not", "a", "mapping"])
    assert dict(span.events[0].attributes) == {}
    assert "not a mapping" in caplog.text


@pytest.mark.parametrize("timestamp", ["now", 1.5, True, [1], -1, 2**63], ids=repr)
def test_event_timestamp_that_is_not_an_int64_of_ns_is_logged_and_replaced_by_now(
    tracer, caplog, timestamp
):
    span = tracer.start_span("s")
    before = time_ns()
    with caplog.at_level(logging.WARNING):
        span.add_event("e", timestamp=timestamp)
    assert type(span.events[0].timestamp) is int and span.events[0].timestamp >= before
    assert "not an int" in caplog.text


def test_event_name_that_is_not_a_str_is_logged_and_converted(tracer, caplog):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_event(404)
    assert span.events[0].name == "404"
    assert "not a str" in caplog.text


def test_add_lazy_event_keeps_a_clean_event_as_given(tracer):
    event = trace_api.Event("built earlier", None, 99)
    span = tracer.start_span("s")
    span.add_lazy_event(event)
    assert span.events == (event,)


def test_add_lazy_event_checks_and_copies_what_the_caller_built(tracer, caplog):
    given = {"ok": 1, "bad": object()}
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_lazy_event(trace_api.Event(7, given, "yesterday"))
    given["ok"] = 2
    (event,) = span.events
    assert event.name == "7"
    assert type(event.timestamp) is int
    assert dict(event.attributes) == {"ok": 1}
    assert "not a str" in caplog.text and "not an int" in caplog.text
    assert "Dropped attribute value" in caplog.text


@pytest.mark.parametrize("attributes", [[], 0, ""], ids=repr)
def test_add_lazy_event_with_empty_non_mapping_attributes_stores_a_mapping(tracer, attributes):
    span = tracer.start_span("s")
    span.add_lazy_event(trace_api.Event("e", attributes, 5))
    (event,) = span.events
    assert dict(event.attributes) == {} and event.timestamp == 5


def test_add_lazy_event_with_a_time_out_of_range_uses_now(tracer, caplog):
    span = tracer.start_span("s")
    before = time_ns()
    with caplog.at_level(logging.WARNING):
        span.add_lazy_event(trace_api.Event("e", None, 2**64))
    assert before <= span.events[0].timestamp <= time_ns()
    assert "not an int" in caplog.text


def test_add_lazy_event_with_something_else_is_dropped_with_a_warning(tracer, caplog):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_lazy_event("not an event")
    assert span.events == ()
    assert "not an Event" in caplog.text


# -- links ------------------------------------------------------------------


def test_links_given_at_start_are_kept_with_their_attributes(tracer, exporter):
    links = [trace_api.Link(_REMOTE, {"reason": "retry"}), trace_api.Link(_OTHER)]
    span = tracer.start_span("s", links=links)
    span.end()
    (exported,) = exporter.get_finished_spans()
    assert [link.context for link in exported.links] == [_REMOTE, _OTHER]
    assert dict(exported.links[0].attributes) == {"reason": "retry"}
    assert dict(exported.links[1].attributes) == {}


def test_links_do_not_change_the_parent_or_trace(tracer):
    span = tracer.start_span("s", parent=None, links=[trace_api.Link(_REMOTE)])
    assert span.parent is None
    assert span.context.trace_id != _REMOTE.trace_id


def test_links_from_any_iterable_are_accepted(tracer):
    span = tracer.start_span("s", links=(trace_api.Link(c) for c in (_REMOTE, _OTHER)))
    assert [link.context for link in span.links] == [_REMOTE, _OTHER]


def test_link_attributes_are_checked(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", links=[trace_api.Link(_REMOTE, {"ok": 1, "bad": {}})])
    assert dict(span.links[0].attributes) == {"ok": 1}
    assert "Dropped attribute value" in caplog.text


@pytest.mark.parametrize(
    "bad", ["not a link", None, trace_api.Link("not a context")], ids=["str", "None", "context"]
)
def test_invalid_links_are_dropped_with_a_warning_and_the_rest_kept(tracer, caplog, bad):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", links=[bad, trace_api.Link(_REMOTE)])
    assert [link.context for link in span.links] == [_REMOTE]
    assert "Dropped link" in caplog.text


def test_links_that_are_not_iterable_are_dropped_with_a_warning(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", links=42)
    assert span.links == ()
    assert "Dropped links" in caplog.text


# -- status, name, kind -----------------------------------------------------


def test_status_set_before_end_is_exported(tracer, exporter):
    span = tracer.start_span("s")
    span.set_status(Status(StatusCanonicalCode.DEADLINE_EXCEEDED, "slow"))
    assert span.status == Status(StatusCanonicalCode.DEADLINE_EXCEEDED, "slow")
    span.end()
    assert exporter.get_finished_spans()[0].status.description == "slow"


def test_status_is_none_while_running_and_ok_once_ended_unless_set(tracer):
    span = tracer.start_span("s")
    assert span.status is None
    span.end()
    assert span.status.canonical_code is StatusCanonicalCode.OK


@pytest.mark.parametrize("status", [None, "OK", StatusCanonicalCode.INTERNAL, 0], ids=repr)
def test_status_that_is_not_a_status_is_ignored_with_a_warning(tracer, caplog, status):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.set_status(status)
    assert span.status is None
    assert "not a Status" in caplog.text


def test_update_name_renames_the_exported_span(tracer, exporter):
    with tracer.start_as_current_span("GET") as span:
        span.update_name("GET /users/{id}")
    assert exporter.get_finished_spans()[0].name == "GET /users/{id}"


def test_update_name_with_a_non_str_is_logged_and_converted(tracer, caplog):
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.update_name(3.5)
    assert span.name == "3.5"
    assert "not a str" in caplog.text


@pytest.mark.parametrize("kind", list(trace_api.SpanKind))
def test_every_span_kind_reaches_the_exported_span(tracer, exporter, kind):
    tracer.start_span("s", kind=kind).end()
    assert exporter.get_finished_spans()[0].kind is kind


def test_kind_defaults_to_internal(tracer):
    assert tracer.start_span("s").kind is trace_api.SpanKind.INTERNAL
    with tracer.start_as_current_span("t") as span:
        assert span.kind is trace_api.SpanKind.INTERNAL


@pytest.mark.parametrize("kind", ["SERVER", 1, None], ids=repr)
def test_kind_that_is_not_a_span_kind_is_logged_and_internal_used(tracer, caplog, kind):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", kind=kind)
    assert span.kind is trace_api.SpanKind.INTERNAL
    assert "not a SpanKind" in caplog.text


def test_event_takes_name_attributes_timestamp_in_that_order_as_in_v03():
    event = trace_api.Event("cache miss", {"key": "k"}, 1234)
    assert (event.name, dict(event.attributes), event.timestamp) == ("cache miss", {"key": "k"}, 1234)
    assert repr(event) == "Event(name='cache miss', attributes={'key': 'k'}, timestamp=1234)"
