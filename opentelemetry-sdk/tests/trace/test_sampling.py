"""Sampling in the SDK: which spans record, and what unsampled spans still carry."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerSource
from opentelemetry.sdk.trace.sampling import TraceIdRatioSampler
from opentelemetry.trace import sampling

_SAMPLED = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
_NOT_SAMPLED = trace_api.TraceOptions.get_default()
_STATE = trace_api.TraceState({"vendor": "value"})


class _RecordingProcessor(SpanProcessor):
    def __init__(self):
        self.started = []
        self.ended = []

    def on_start(self, span):
        self.started.append(span)

    def on_end(self, span):
        self.ended.append(span)


class _RecordingSampler(sampling.Sampler):
    """Samples every span and remembers what it was asked."""

    def __init__(self, attributes=None):
        self.calls = []
        self._decision = sampling.Decision(True, attributes)

    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        self.calls.append((parent_context, trace_id, span_id, name, links))
        self.attributes_seen = attributes
        return self._decision


class _BrokenSampler(sampling.Sampler):
    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        raise ValueError("broken sampler")


def _tracer(sampler):
    processor = _RecordingProcessor()
    source = TracerSource(sampler=sampler, shutdown_on_exit=False)
    source.add_span_processor(processor)
    return source.get_tracer(__name__), processor


def _remote(sampled, trace_state=None):
    return trace_api.SpanContext(0x1234, 0x5678, _SAMPLED if sampled else _NOT_SAMPLED, trace_state)


def _is_sampled(span):
    return span.get_context().trace_options.sampled


def test_the_default_sampler_is_always_on_as_in_v03():
    assert TracerSource(shutdown_on_exit=False).sampler is sampling.ALWAYS_ON


def test_by_default_a_span_under_a_remote_context_with_default_flags_is_recorded():
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(__name__)
    span = tracer.start_span("child", parent=trace_api.SpanContext(0x1234, 0x5678))
    assert span.is_recording_events()
    assert span.get_context().trace_options.sampled


@pytest.mark.parametrize(
    "sampler, root, under_sampled, under_unsampled",
    [
        (sampling.ALWAYS_ON, True, True, True),
        (sampling.ALWAYS_OFF, False, False, False),
        (sampling.DEFAULT_ON, True, True, False),
        (sampling.DEFAULT_OFF, False, True, False),
    ],
    ids=["ALWAYS_ON", "ALWAYS_OFF", "DEFAULT_ON", "DEFAULT_OFF"],
)
def test_which_spans_each_builtin_sampler_samples(sampler, root, under_sampled, under_unsampled):
    tracer, _ = _tracer(sampler)
    assert _is_sampled(tracer.start_span("root", parent=None)) is root
    assert _is_sampled(tracer.start_span("c", parent=_remote(True))) is under_sampled
    assert _is_sampled(tracer.start_span("c", parent=_remote(False))) is under_unsampled


def test_a_local_parent_decides_like_a_remote_one():
    tracer, _ = _tracer(sampling.DEFAULT_OFF)
    unsampled_root = tracer.start_span("root")
    assert not _is_sampled(tracer.start_span("child", parent=unsampled_root))
    sampled_parent = tracer.start_span("p", parent=_remote(True))
    assert _is_sampled(tracer.start_span("child", parent=sampled_parent))


def test_unsampled_span_is_a_default_span_with_a_valid_unsampled_context():
    tracer, _ = _tracer(sampling.ALWAYS_OFF)
    span = tracer.start_span("s", attributes={"a": 1})
    assert type(span) is trace_api.DefaultSpan
    assert not isinstance(span, Span)
    assert not span.is_recording_events()
    context = span.get_context()
    assert context.is_valid()
    assert context.trace_options.sampled is False


def test_unsampled_span_keeps_the_remote_parent_trace_and_state():
    tracer, _ = _tracer(sampling.DEFAULT_ON)
    span = tracer.start_span("s", parent=_remote(False, _STATE))
    context = span.get_context()
    assert context.trace_id == 0x1234
    assert context.span_id not in (0, 0x5678)
    assert context.trace_state == {"vendor": "value"}


def test_processors_never_see_unsampled_spans():
    tracer, processor = _tracer(sampling.ALWAYS_OFF)
    with tracer.start_as_current_span("current") as span:
        span.set_attribute("k", "v")
        span.add_event("e")
    other = tracer.start_span("started")
    other.end()
    assert processor.started == [] and processor.ended == []


def test_unsampled_span_propagates_to_its_children():
    tracer, processor = _tracer(sampling.DEFAULT_ON)
    with tracer.start_as_current_span("unsampled", parent=_remote(False)) as parent:
        assert tracer.get_current_span() is parent
        child = tracer.start_span("child")
    assert child.get_context().trace_id == 0x1234
    assert not _is_sampled(child)
    assert processor.started == []


def test_sampled_child_of_an_unsampled_local_span_names_it_as_parent():
    tracer, processor = _tracer(sampling.ALWAYS_ON)
    unsampled = trace_api.DefaultSpan(_remote(False))
    with tracer.use_span(unsampled):
        child = tracer.start_span("child")
    assert child.parent is unsampled
    assert child.context.trace_id == 0x1234
    assert processor.started == [child]


@pytest.mark.parametrize(
    "parent",
    [
        trace_api.INVALID_SPAN_CONTEXT,
        trace_api.SpanContext(0, 0x5678, _SAMPLED),
        trace_api.SpanContext(0x1234, 0, _SAMPLED),
        trace_api.INVALID_SPAN,
    ],
    ids=["invalid-context", "zero-trace-id", "zero-span-id", "invalid-span"],
)
def test_invalid_parent_starts_a_new_trace_with_no_parent(parent):
    sampler = _RecordingSampler()
    tracer, _ = _tracer(sampler)
    span = tracer.start_span("s", parent=parent)
    assert span.parent is None
    assert span.context.is_valid()
    assert span.context.trace_id != 0x1234
    assert sampler.calls[0][0] is None  # the sampler saw a root span


def test_sampler_is_asked_with_the_ids_name_and_links_the_span_gets():
    sampler = _RecordingSampler()
    tracer, _ = _tracer(sampler)
    links = [trace_api.Link(_remote(True))]
    span = tracer.start_span("operation", parent=_remote(True), links=links)
    ((parent_context, trace_id, span_id, name, given_links),) = sampler.calls
    assert parent_context == _remote(True)
    assert (trace_id, span_id) == (span.context.trace_id, span.context.span_id)
    assert name == "operation" and list(given_links) == links


def test_sampler_is_asked_with_the_attributes_the_span_starts_with():
    sampler = _RecordingSampler()
    tracer, _ = _tracer(sampler)
    tracer.start_span("get", attributes={"http.method": "GET"})
    assert sampler.attributes_seen == {"http.method": "GET"}
    tracer.start_span("no attributes")
    assert sampler.attributes_seen is None


def test_a_v03_sampler_decides_on_the_span_attributes():
    class DropHealthChecks(sampling.Sampler):
        def should_sample(
            self, parent_context, trace_id, span_id, name, attributes=None, links=()
        ):
            return sampling.Decision((attributes or {}).get("http.route") != "/health")

    tracer, processor = _tracer(DropHealthChecks())
    tracer.start_span("health", attributes={"http.route": "/health"}).end()
    tracer.start_span("users", attributes={"http.route": "/users"}).end()
    assert [span.name for span in processor.ended] == ["users"]


def test_sampler_attributes_are_added_and_win_on_a_shared_key():
    tracer, _ = _tracer(_RecordingSampler({"sampler.rate": 0.5, "shared": "sampler"}))
    span = tracer.start_span("s", attributes={"shared": "span", "own": 1})
    assert dict(span.attributes) == {"shared": "sampler", "own": 1, "sampler.rate": 0.5}
    plain = tracer.start_span("t")
    assert dict(plain.attributes) == {"sampler.rate": 0.5, "shared": "sampler"}


def test_sampler_attributes_survive_span_attributes_that_are_not_a_mapping(caplog):
    tracer, _ = _tracer(_RecordingSampler({"sampler": "yes"}))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes=["not", "a", "mapping"])
    assert dict(span.attributes) == {"sampler": "yes"}
    assert "not a mapping" in caplog.text


def test_sampler_attributes_are_checked_like_any_other(caplog):
    tracer, _ = _tracer(_RecordingSampler({"ok": 1, "bad": None}))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s")
    assert dict(span.attributes) == {"ok": 1}


def test_a_failing_sampler_is_reported_and_the_span_not_sampled(caplog):
    tracer, processor = _tracer(_BrokenSampler())
    with caplog.at_level(logging.ERROR):
        span = tracer.start_span("s")
    assert type(span) is trace_api.DefaultSpan and span.get_context().is_valid()
    assert processor.started == []
    assert "failed; the span is not sampled" in caplog.text
    assert "broken sampler" in caplog.text


def test_probability_sampler_in_a_tracer_decides_by_the_trace_id_threshold():
    sampler = sampling.ProbabilitySampler(0.5)
    tracer, processor = _tracer(sampler)
    contexts = [tracer.start_span(str(i)).get_context() for i in range(200)]
    for context in contexts:
        assert context.trace_options.sampled == ((context.trace_id & (2**64 - 1)) < sampler.bound)
    sampled = sum(context.trace_options.sampled for context in contexts)
    assert 0 < sampled < 200  # both outcomes occur (each side has odds 2**-200 of not)
    assert len(processor.started) == sampled


# -- parents ----------------------------------------------------------------


def test_parent_defaults_to_the_current_span():
    tracer, _ = _tracer(sampling.ALWAYS_ON)
    with tracer.start_as_current_span("outer") as outer:
        implicit = tracer.start_span("implicit")
        explicit = tracer.start_span("explicit", parent=trace_api.Tracer.CURRENT_SPAN)
        with tracer.start_as_current_span("inner") as inner:
            pass
    assert implicit.parent is outer and explicit.parent is outer and inner.parent is outer
    assert tracer.start_span("no current span").parent is None


def test_parent_may_be_a_span_a_span_context_or_none():
    tracer, _ = _tracer(sampling.ALWAYS_ON)
    local = tracer.start_span("local")
    remote = _remote(True, _STATE)
    with tracer.start_as_current_span("current"):
        under_span = tracer.start_span("a", parent=local)
        under_context = tracer.start_span("b", parent=remote)
        root = tracer.start_span("c", parent=None)
    assert under_span.parent is local
    assert under_span.context.trace_id == local.context.trace_id
    assert under_context.parent is remote
    assert under_context.context.trace_id == 0x1234
    assert under_context.context.trace_state == _STATE
    assert root.parent is None
    assert root.context.trace_id not in (local.context.trace_id, 0x1234)


def test_an_ended_span_is_still_a_valid_parent():
    tracer, _ = _tracer(sampling.ALWAYS_ON)
    parent = tracer.start_span("p")
    parent.end()
    child = tracer.start_span("c", parent=parent)
    assert child.parent is parent and child.context.trace_id == parent.context.trace_id


# -- TraceIdRatioSampler: the trace id's low 64 bits against round(rate * 2**64) -----------


@pytest.mark.parametrize(
    "rate, trace_id, sampled",
    [
        (0.0, 0, False),  # rate 0 samples nothing, not even the lowest trace id
        (0.0, 2**64 - 1, False),
        (1.0, 0, True),
        (1.0, 2**64 - 1, True),  # rate 1 samples every trace id
        (0.25, 2**62 - 1, True),  # one below the bound
        (0.25, 2**62, False),  # exactly at the bound
        (0.25, 2**62 + 1, False),
        (0.25, (1 << 100) | (2**62 - 1), True),  # bits above the low 64 do not count
        (0.25, (1 << 100) | 2**62, False),
    ],
)
def test_trace_id_ratio_sampler_compares_the_low_64_bits_with_the_bound(rate, trace_id, sampled):
    sampler = TraceIdRatioSampler(rate)
    assert sampler.should_sample(None, trace_id, 1, "s").sampled is sampled


def test_trace_id_ratio_sampler_ignores_the_parent_decision():
    sampler = TraceIdRatioSampler(0.25)
    sampled_parent = trace_api.SpanContext(1, 2, _SAMPLED, is_remote=True)
    unsampled_parent = trace_api.SpanContext(1, 2, _NOT_SAMPLED, is_remote=True)
    assert not sampler.should_sample(sampled_parent, 2**62, 3, "s", {"a": 1}, ()).sampled
    assert sampler.should_sample(unsampled_parent, 2**62 - 1, 3, "s", {"a": 1}, ()).sampled


def test_trace_id_ratio_sampler_agrees_with_the_probability_sampler_on_roots():
    for rate in (0.0, 0.1, 0.5, 0.999, 1.0):
        ratio, probability = TraceIdRatioSampler(rate), sampling.ProbabilitySampler(rate)
        assert ratio.rate == probability.rate == rate
        for trace_id in (probability.bound - 1, probability.bound, probability.bound + 1):
            trace_id %= 2**64
            assert (
                ratio.should_sample(None, trace_id, 1, "s").sampled
                is probability.should_sample(None, trace_id, 1, "s").sampled
            )


def test_trace_id_ratio_sampler_repr_shows_its_rate():
    assert repr(TraceIdRatioSampler(0.25)) == "TraceIdRatioSampler(0.25)"
