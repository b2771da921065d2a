"""The recording span's life: start, end, status, text forms."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span
from opentelemetry.trace.status import Status, StatusCanonicalCode


def test_status_is_none_until_end_then_ok(tracer):
    span = tracer.start_span("s")
    assert span.status is None
    span.end()
    assert span.status == Status(StatusCanonicalCode.OK)


def test_explicit_status_survives_end(tracer):
    span = tracer.start_span("s")
    span.set_status(Status(StatusCanonicalCode.NOT_FOUND, "gone"))
    span.end()
    assert span.status.canonical_code is StatusCanonicalCode.NOT_FOUND


def test_ending_a_span_never_started_raises():
    span = Span("s", trace_api.SpanContext(1, 1))
    with pytest.raises(RuntimeError):
        span.end()


def test_ending_twice_logs_and_keeps_first_end_time(tracer, exporter, caplog):
    span = tracer.start_span("s")
    span.end(end_time=span.start_time + 10)
    with caplog.at_level(logging.WARNING):
        span.end(end_time=span.start_time + 99)
    assert span.end_time == span.start_time + 10
    assert "already ended" in caplog.text
    assert len(exporter.get_finished_spans()) == 1


def test_starting_twice_logs_and_keeps_first_start_time(tracer, caplog):
    span = tracer.start_span("s", start_time=5)
    with caplog.at_level(logging.WARNING):
        span.start(start_time=7)
    assert span.start_time == 5
    assert "already started" in caplog.text


def test_changes_after_end_are_ignored_with_a_warning(tracer, caplog):
    span = tracer.start_span("s")
    span.end()
    with caplog.at_level(logging.WARNING):
        span.update_name("renamed")
        span.set_attribute("k", "v")
        span.add_event("e")
        span.set_status(Status(StatusCanonicalCode.INTERNAL))
    assert span.name == "s"
    assert dict(span.attributes) == {}
    assert span.events == ()
    assert span.status.is_ok
    assert caplog.text.count("already ended") == 4


def test_update_name_before_end(tracer):
    span = tracer.start_span("s")
    span.update_name("route")
    span.end()
    assert span.name == "route"


def test_span_as_context_manager_ends_it(tracer, exporter):
    with tracer.start_span("s") as span:
        assert span.end_time is None
    assert span.end_time is not None
    assert exporter.get_finished_spans() == (span,)


def test_exception_in_span_block_sets_unknown_status_and_propagates(tracer, exporter):
    with pytest.raises(ValueError) as raised:
        with tracer.start_as_current_span("s"):
            raise ValueError("bad input")
    assert str(raised.value) == "bad input"
    (span,) = exporter.get_finished_spans()
    assert span.end_time is not None
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert span.status.description == "ValueError: bad input"


def test_exception_keeps_an_explicitly_set_status(tracer, exporter):
    with pytest.raises(KeyError):
        with tracer.start_as_current_span("s") as span:
            span.set_status(Status(StatusCanonicalCode.NOT_FOUND, "no key"))
            raise KeyError("k")
    assert exporter.get_finished_spans()[0].status.description == "no key"


def test_is_recording_events(tracer):
    assert tracer.start_span("s").is_recording_events()


def test_repr_is_name_and_context():
    span = Span("baz", trace_api.SpanContext(0xAB, 0xCD))
    assert repr(span) == (
        'Span(name="baz", context=SpanContext(trace_id=0x' + "0" * 30
        + 'ab, span_id=0x00000000000000cd, trace_state={}))'
    )


def test_str_is_the_documented_console_form():
    parent = Span("bar", trace_api.SpanContext(1, 2))
    span = Span("baz", trace_api.SpanContext(1, 3), parent=parent)
    span.start(start_time=1572905925777339000)
    span.end(end_time=1572905925777447000)
    assert str(span) == (
        'Span(name="baz", context=SpanContext(trace_id=0x{t}, span_id=0x0000000000000003, '
        "trace_state={{}}), kind=SpanKind.INTERNAL, parent=Span(name=\"bar\", "
        "context=SpanContext(trace_id=0x{t}, span_id=0x0000000000000002, trace_state={{}})), "
        "start_time=2019-11-04T22:18:45.777339Z, end_time=2019-11-04T22:18:45.777447Z)"
    ).format(t="0" * 31 + "1")


def test_str_of_an_unfinished_root_span():
    span = Span("s", trace_api.SpanContext(1, 1), kind=trace_api.SpanKind.SERVER)
    assert "kind=SpanKind.SERVER, parent=None, start_time=None, end_time=None" in str(span)


def test_end_time_never_precedes_start(tracer):
    span = tracer.start_span("s", start_time=1000)
    span.end(end_time=10)
    assert span.end_time == 1000


def test_non_int_times_are_logged_and_replaced_by_now(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", start_time="yesterday")
        span.end(end_time=1.5)
    assert isinstance(span.start_time, int) and isinstance(span.end_time, int)
    assert span.end_time >= span.start_time
    assert "not an int" in caplog.text


def test_set_status_on_exception_false_leaves_the_status_alone(tracer, exporter):
    with pytest.raises(ValueError):
        with tracer.start_span("kept", set_status_on_exception=False):
            raise ValueError("handled by the caller")
    with pytest.raises(ValueError):
        with tracer.start_span("set"):
            raise ValueError("recorded")
    kept, recorded = exporter.get_finished_spans()
    assert kept.status.canonical_code is StatusCanonicalCode.OK
    assert recorded.status.canonical_code is StatusCanonicalCode.UNKNOWN


def test_a_span_made_directly_takes_v03_parameters_in_v03_order():
    from unittest import mock

    from opentelemetry.sdk.trace import SpanProcessor
    from opentelemetry.trace import sampling

    processor = mock.Mock(spec=SpanProcessor)
    context = trace_api.SpanContext(1, 2)
    span = Span(
        "direct", context, None, sampling.ALWAYS_ON, None, None, {"a": 1}, None, (),
        trace_api.SpanKind.CLIENT, processor, None, False,
    )
    assert (span.sampler, span.trace_config, span.kind) == (sampling.ALWAYS_ON, None, trace_api.SpanKind.CLIENT)
    assert dict(span.attributes) == {"a": 1}
    with pytest.raises(KeyError):
        with span:
            span.start()
            raise KeyError("x")
    processor.on_start.assert_called_once_with(span)
    processor.on_end.assert_called_once_with(span)
    assert span.status.canonical_code is StatusCanonicalCode.OK


def test_a_span_may_end_at_exactly_its_start_time_without_a_warning(caplog):
    span = Span("s", trace_api.SpanContext(1, 2))
    span.start(start_time=500)
    with caplog.at_level(logging.WARNING):
        span.end(end_time=500)
    assert (span.start_time, span.end_time) == (500, 500)
    assert caplog.records == []


def test_an_end_time_before_the_start_is_raised_to_the_start():
    span = Span("s", trace_api.SpanContext(1, 2))
    span.start(start_time=500)
    span.end(end_time=499)
    assert span.end_time == 500


def test_update_name_with_a_non_str_logs_what_it_is_and_uses_its_text(caplog):
    span = Span("s", trace_api.SpanContext(1, 2))
    span.start()
    with caplog.at_level(logging.WARNING):
        span.update_name(42)  # type: ignore[arg-type]
    assert span.name == "42"
    assert "Span name of type int is not a str; using '42'" in caplog.text


def test_an_exception_leaving_the_block_sets_status_unknown_with_its_description(caplog):
    span = Span("s", trace_api.SpanContext(1, 2))
    span.start()
    with caplog.at_level(logging.WARNING):
        with pytest.raises(ValueError):
            with span:
                raise ValueError("bad input")
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert "bad input" in span.status.description
    assert caplog.records == []  # the status is built right, not repaired


def test_with_no_attributes_allowed_set_attribute_drops_and_counts_the_first_one():
    from opentelemetry.sdk.trace import SpanLimits

    span = Span("s", trace_api.SpanContext(1, 2), limits=SpanLimits(max_attributes=0))
    span.start()
    span.set_attribute("a", 1)
    span.set_attribute("b", 2)
    assert dict(span.attributes) == {}
    assert span.dropped_attributes == 2


def test_a_parent_whose_get_context_returns_no_span_context_counts_as_no_parent():
    class OddParent:
        def get_context(self):
            return "not a span context"

    span = Span("s", trace_api.SpanContext(1, 2), parent=OddParent())  # type: ignore[arg-type]
    assert span.parent_context is None


def test_a_span_given_a_sampler_still_sets_status_unknown_on_an_escaping_exception():
    from opentelemetry.trace import sampling

    span = Span("s", trace_api.SpanContext(1, 2), sampler=sampling.ALWAYS_ON)
    span.start()
    with pytest.raises(KeyError):
        with span:
            raise KeyError("k")
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN


def test_a_lazy_event_with_a_timestamp_that_is_not_an_int_is_checked_like_any_event(caplog):
    span = Span("s", trace_api.SpanContext(1, 2))
    span.start()
    with caplog.at_level(logging.WARNING):
        span.add_lazy_event(trace_api.Event("e", {}, 1.5))  # type: ignore[arg-type]
    (event,) = span.events
    assert event.name == "e" and type(event.timestamp) is int and event.timestamp != 1
    assert "1.5" in caplog.text


@pytest.mark.parametrize("links", [(), [], None])
def test_a_span_without_links_reads_an_empty_tuple(links):
    kwargs = {} if links is None else {"links": links}
    span = Span("s", trace_api.SpanContext(1, 2), **kwargs)
    assert span.links == () and type(span.links) is tuple


def test_links_from_an_iterable_that_fails_midway_are_all_dropped_with_a_warning(caplog):
    def links():
        yield trace_api.Link(trace_api.SpanContext(3, 4))
        raise OSError("stream broke")

    with caplog.at_level(logging.WARNING):
        span = Span("s", trace_api.SpanContext(1, 2), links=links())
    assert span.links == ()
    assert "Dropped links of type generator" in caplog.text
