"""SpanLimits.max_attribute_length: strings, and strings in sequences, cut; None keeps them whole."""

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import SpanLimits, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _tracer(limits):
    source = TracerSource(shutdown_on_exit=False, span_limits=limits)
    exporter = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source.get_tracer("t"), exporter


def test_without_a_length_limit_a_long_value_is_kept_whole():
    tracer, _ = _tracer(SpanLimits())
    span = tracer.start_span("s", attributes={"big": "x" * 100_000})
    assert len(span.attributes["big"]) == 100_000


def test_string_values_are_cut_everywhere_a_span_holds_attributes():
    tracer, exporter = _tracer(SpanLimits(max_attribute_length=3))
    link = trace_api.Link(trace_api.SpanContext(1, 2), {"link": "abcdef"})
    span = tracer.start_span("s", attributes={"start": "abcdef"}, links=[link])
    span.set_attribute("set", "abcdef")
    span.set_attribute("short", "ab")
    span.set_attribute("words", ["abcdef", "xy"])
    span.set_attribute("numbers", [1, 2])
    span.set_attribute("flag", True)
    span.add_event("e", {"event": "abcdef"})
    span.end()
    (finished,) = exporter.get_finished_spans()
    assert dict(finished.attributes) == {
        "start": "abc",
        "set": "abc",
        "short": "ab",
        "words": ["abc", "xy"],
        "numbers": [1, 2],
        "flag": True,
    }
    assert finished.events[0].attributes == {"event": "abc"}
    assert finished.links[0].attributes == {"link": "abc"}


def test_a_zero_length_limit_keeps_empty_strings():
    tracer, _ = _tracer(SpanLimits(max_attribute_length=0))
    span = tracer.start_span("s")
    span.set_attribute("k", "value")
    assert span.attributes["k"] == ""


def test_a_bad_length_limit_is_logged_and_no_limit_used(caplog):
    limits = SpanLimits(max_attribute_length=-1)
    assert limits.max_attribute_length is None
    assert "max_attribute_length=-1" in caplog.text
