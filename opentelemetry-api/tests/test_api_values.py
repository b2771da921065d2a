"""API value types compared and shown, and the no-op ``use_span`` handing errors on.

Equality of span contexts weighs every field; the text of events and links
names every field (it is what a console exporter and a debugger show).
"""

import inspect
import logging
import sys

import pytest

from opentelemetry.trace import (
    DefaultTracer,
    Event,
    Link,
    Span,
    SpanContext,
    TraceOptions,
    Tracer,
    TracerSource,
    TraceState,
)
from opentelemetry.trace.sampling import ProbabilitySampler

SAMPLED = TraceOptions(TraceOptions.SAMPLED)


def test_span_contexts_differing_in_any_one_field_are_unequal():
    base = SpanContext(1, 2, SAMPLED, TraceState([("a", "1")]))
    same = SpanContext(1, 2, SAMPLED, TraceState([("a", "1")]))
    assert base == same and hash(base) == hash(same)
    for other in (
        SpanContext(9, 2, SAMPLED, TraceState([("a", "1")])),
        SpanContext(1, 9, SAMPLED, TraceState([("a", "1")])),
        SpanContext(1, 2, TraceOptions(0), TraceState([("a", "1")])),
        SpanContext(1, 2, SAMPLED, TraceState([("a", "2")])),
    ):
        assert base != other


def test_span_contexts_with_different_ids_hash_apart():
    hashes = {hash(SpanContext(trace_id, span_id)) for trace_id in (1, 2) for span_id in (1, 2)}
    hashes.add(hash(SpanContext(1, 1, SAMPLED)))
    assert len(hashes) == 5


def test_event_text_names_its_name_attributes_and_timestamp():
    text = repr(Event("retry", {"attempt": 2}, 1234))
    assert text.startswith("Event(") and text.endswith(")")
    for part in ("name='retry'", "attributes={'attempt': 2}", "timestamp=1234"):
        assert part in text


def test_link_text_names_its_context_and_attributes():
    context = SpanContext(1, 2)
    text = repr(Link(context, {"kind": "follows"}))
    assert text.startswith("Link(") and text.endswith(")")
    assert "context={!r}".format(context) in text and "attributes={'kind': 'follows'}" in text


class _RecordingSpan(Span):
    def __init__(self):
        self.exits = []

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.exits.append((exc_type, exc_val, exc_tb))


def test_no_op_use_span_ending_on_exit_hands_the_exception_to_the_span():
    span = _RecordingSpan()
    error = ValueError("boom")
    with pytest.raises(ValueError):
        with DefaultTracer().use_span(span, end_on_exit=True) as used:
            assert used is span
            raise error
    [(exc_type, exc_val, exc_tb)] = span.exits
    assert exc_type is ValueError and exc_val is error and exc_tb is not None


def test_no_op_use_span_not_ending_on_exit_leaves_the_span_alone():
    span = _RecordingSpan()
    with pytest.raises(ValueError):
        with DefaultTracer().use_span(span):
            raise ValueError("boom")
    assert span.exits == []
    assert sys.exc_info() == (None, None, None)


# -- defaults of the v0.3 call shapes ------------------------------------------


def test_a_span_context_without_options_is_not_sampled():
    context = SpanContext(1, 2, trace_options=None)
    assert context.trace_options == TraceOptions.DEFAULT and not context.trace_options.sampled


def test_v0_3_defaults_of_get_tracer_and_start_span():
    get_tracer = inspect.signature(TracerSource.get_tracer).parameters
    assert get_tracer["instrumenting_library_version"].default == ""
    start_span = inspect.signature(Tracer.start_span).parameters
    assert start_span["set_status_on_exception"].default is True


# -- sampling rates at their bounds ------------------------------------------------


@pytest.mark.parametrize("rate", [0, 0.0, 1, 1.0, 0.5])
def test_rates_from_0_to_1_inclusive_are_taken_as_given(rate, caplog):
    with caplog.at_level(logging.WARNING):
        sampler = ProbabilitySampler(rate)
    assert sampler.rate == rate and type(sampler.rate) is float
    assert caplog.records == []


@pytest.mark.parametrize("rate, clamped", [(-1e-9, 0.0), (1.000001, 1.0), (2, 1.0)])
def test_rates_just_past_the_bounds_are_clamped_with_a_warning(rate, clamped, caplog):
    with caplog.at_level(logging.WARNING):
        sampler = ProbabilitySampler(rate)
    assert sampler.rate == clamped
    assert "not a number from 0 to 1" in caplog.text


def test_the_bound_is_the_rate_times_two_to_the_64():
    assert ProbabilitySampler.get_bound_for_rate(1.0) == 2**64
    assert ProbabilitySampler.get_bound_for_rate(0.5) == 2**63
    assert ProbabilitySampler.get_bound_for_rate(0.0) == 0
    assert ProbabilitySampler(0.25).bound == 2**62
