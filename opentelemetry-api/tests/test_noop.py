"""The API alone: every call is a cheap no-op that never raises."""

import pytest

from opentelemetry import trace
from opentelemetry.trace.status import Status, StatusCanonicalCode


@pytest.fixture
def tracer():
    return trace.DefaultTracerSource().get_tracer(__name__)


def test_start_as_current_span_yields_the_invalid_span(tracer):
    with tracer.start_as_current_span("s") as span:
        assert span is trace.INVALID_SPAN
        assert not span.is_recording_events()
        assert span.get_context() is trace.INVALID_SPAN_CONTEXT


def test_current_span_is_the_invalid_span(tracer):
    assert tracer.get_current_span() is trace.INVALID_SPAN


def test_no_op_span_accepts_everything_silently(tracer, caplog):
    span = tracer.start_span("s", kind=trace.SpanKind.SERVER, attributes={"a": 1})
    span.set_attribute("k", {"not": "valid"})
    span.add_event("e", {"x": 1})
    span.add_lazy_event(trace.Event("e", None, 1))
    span.update_name(3)
    span.set_status(Status(StatusCanonicalCode.INTERNAL))
    span.end()
    span.end()
    assert caplog.records == []


def test_exception_inside_no_op_span_propagates(tracer):
    with pytest.raises(KeyError):
        with tracer.start_as_current_span("s"):
            raise KeyError("k")


def test_use_span_yields_the_span_and_ends_it_when_asked(tracer):
    ended = []

    class Recording(trace.Span):
        def end(self, end_time=None):
            ended.append(True)

    span = Recording()
    with tracer.use_span(span) as used:
        assert used is span
    assert ended == []
    with tracer.use_span(span, end_on_exit=True):
        pass
    assert ended == [True]


def test_use_span_with_none_does_not_raise(tracer):
    with tracer.use_span(None) as used:
        assert used is None


def test_default_span_repr_shows_its_context():
    assert repr(trace.INVALID_SPAN).startswith("DefaultSpan(context=SpanContext(trace_id=0x0")


def test_status_defaults_to_ok_and_compares_by_value():
    assert Status().is_ok
    assert Status().canonical_code is StatusCanonicalCode.OK
    error = Status(StatusCanonicalCode.UNKNOWN, "ValueError: x")
    assert not error.is_ok and error.description == "ValueError: x"
    assert error == Status(StatusCanonicalCode.UNKNOWN, "ValueError: x")


def test_span_kind_values_are_the_v0_3_ones():
    assert [k.name for k in trace.SpanKind] == ["INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
    assert str(trace.SpanKind.INTERNAL) == "SpanKind.INTERNAL"


@pytest.mark.parametrize("description", [42, b"bytes", ["a"], 1.5])
def test_status_description_that_is_not_a_str_is_logged_and_made_one(caplog, description):
    status = Status(StatusCanonicalCode.INTERNAL, description)
    assert status.description == str(description)
    assert type(status.description) is str
    assert "not a str" in caplog.text


def test_status_description_whose_str_raises_is_dropped():
    class Unprintable:
        def __str__(self):
            raise RuntimeError("no")

    assert Status(StatusCanonicalCode.INTERNAL, Unprintable()).description is None


def test_status_code_that_is_not_a_canonical_code_becomes_unknown(caplog):
    assert Status(13).canonical_code is StatusCanonicalCode.UNKNOWN
    assert "not a StatusCanonicalCode" in caplog.text
