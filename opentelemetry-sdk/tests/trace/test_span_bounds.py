"""SDK spans at their edges: timestamps, limits and lengths at the bound and one past,
parents that are not what they seem, samplers' attributes, ``use_span`` on errors.
"""

import logging
import traceback

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanLimits, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import sampling
from opentelemetry.trace.status import StatusCanonicalCode

LAST_NS = 2**63 - 1  # the latest time OTLP's fixed64 nanoseconds and the SDK accept


def _tracer(**source_options):
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, **source_options)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source.get_tracer(__name__), exporter


# -- timestamps -----------------------------------------------------------


@pytest.mark.parametrize("start, end", [(0, 0), (0, LAST_NS), (LAST_NS, LAST_NS)])
def test_start_and_end_times_at_the_bounds_are_kept(start, end, caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", start_time=start)
        span.end(end_time=end)
    assert (span.start_time, span.end_time) == (start, end)
    assert caplog.records == []


@pytest.mark.parametrize("bad", [-1, LAST_NS + 1, 1.5, True])
def test_times_past_the_bounds_are_logged_and_replaced_by_now(bad, caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", start_time=bad)
        span.add_event("e", timestamp=bad)
        span.end(end_time=bad)
    for replaced in (span.start_time, span.events[0].timestamp, span.end_time):
        assert type(replaced) is int and 0 < replaced < LAST_NS and replaced != bad
    assert len([r for r in caplog.records if "2**63 - 1" in r.getMessage()]) == 3


@pytest.mark.parametrize("timestamp", [0, LAST_NS])
def test_event_timestamps_at_the_bounds_are_kept(timestamp, caplog):
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    lazy = trace_api.Event("lazy", {}, timestamp)
    with caplog.at_level(logging.WARNING):
        span.add_event("direct", timestamp=timestamp)
        span.add_lazy_event(lazy)
        span.add_lazy_event(trace_api.Event("lazy with attributes", {"a": 1}, timestamp))
    assert [event.timestamp for event in span.events] == [timestamp] * 3
    assert span.events[1] is lazy  # a clean event at the bound is kept as given, not rebuilt
    assert caplog.records == []


def test_lazy_event_past_the_bounds_gets_the_current_time(caplog):
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_lazy_event(trace_api.Event("late", {}, LAST_NS + 1))
    [event] = span.events
    assert event.name == "late" and 0 < event.timestamp < LAST_NS
    assert "2**63 - 1" in caplog.text


# -- the Span constructor ---------------------------------------------------


def test_span_keeps_the_events_it_is_built_with():
    events = [trace_api.Event("first", {"a": 1}, 10), trace_api.Event("second", {}, 20)]
    span = Span("s", trace_api.SpanContext(1, 2), events=events)
    assert [(e.name, dict(e.attributes), e.timestamp) for e in span.events] == [
        ("first", {"a": 1}, 10),
        ("second", {}, 20),
    ]


def test_span_built_with_more_events_than_the_limit_keeps_the_newest_and_counts():
    events = [trace_api.Event(str(i), {}, i) for i in range(3)]
    span = Span("s", trace_api.SpanContext(1, 2), events=events, limits=SpanLimits(max_events=2))
    assert [e.name for e in span.events] == ["1", "2"]
    assert span.dropped_events == 1


# -- limits at the bound ----------------------------------------------------


def _fill(span, kind, count):
    for i in range(count):
        if kind == "attributes":
            span.set_attribute("k{}".format(i), i)
        else:
            span.add_event(str(i))


@pytest.mark.parametrize("kind, default", [("attributes", 32), ("events", 128)])
def test_the_default_limit_keeps_exactly_that_many_and_drops_the_next(kind, default):
    tracer, _ = _tracer()
    at_limit, past_limit = tracer.start_span("at"), tracer.start_span("past")
    _fill(at_limit, kind, default)
    _fill(past_limit, kind, default + 1)
    assert len(getattr(at_limit, kind)) == default
    assert getattr(at_limit, "dropped_" + kind) == 0
    assert len(getattr(past_limit, kind)) == default
    assert getattr(past_limit, "dropped_" + kind) == 1


def test_the_default_link_limit_keeps_32_links_and_drops_the_33rd():
    tracer, _ = _tracer()
    links = [trace_api.Link(trace_api.SpanContext(1, i + 1)) for i in range(33)]
    at_limit = tracer.start_span("at", links=links[:32])
    past_limit = tracer.start_span("past", links=links)
    assert (len(at_limit.links), at_limit.dropped_links) == (32, 0)
    assert (list(past_limit.links), past_limit.dropped_links) == (links[1:], 1)


@pytest.mark.parametrize("limit", [1, 5])
def test_a_configured_limit_keeps_exactly_that_many_and_drops_the_next(limit):
    limits = SpanLimits(max_attributes=limit, max_events=limit, max_links=limit)
    tracer, _ = _tracer(span_limits=limits)
    links = [trace_api.Link(trace_api.SpanContext(1, i + 1)) for i in range(limit + 1)]
    at_limit = tracer.start_span("at", links=links[:limit])
    past_limit = tracer.start_span("past", links=links)
    for kind in ("attributes", "events"):
        _fill(at_limit, kind, limit)
        _fill(past_limit, kind, limit + 1)
    for kind in ("attributes", "events", "links"):
        assert len(getattr(at_limit, kind)) == len(getattr(past_limit, kind)) == limit
        assert getattr(at_limit, "dropped_" + kind) == 0
        assert getattr(past_limit, "dropped_" + kind) == 1


def test_attribute_value_length_limit_keeps_values_of_that_length_and_cuts_longer_ones():
    tracer, _ = _tracer(span_limits=SpanLimits(max_attribute_length=4))
    span = tracer.start_span("s", attributes={"at": "abcd", "past": "abcde"})
    span.set_attribute("list", ["abcd", "abcde"])
    span.add_event("e", {"past": "abcde"})
    assert dict(span.attributes) == {"at": "abcd", "past": "abcd", "list": ["abcd", "abcd"]}
    assert dict(span.events[0].attributes) == {"past": "abcd"}


# -- parents ----------------------------------------------------------------


@pytest.mark.parametrize(
    "trace_id, span_id", [(0x1234, 0), (0, 0x5678), (0, 0)], ids=["span 0", "trace 0", "both 0"]
)
def test_sdk_parent_with_a_zero_id_starts_a_new_trace(trace_id, span_id):
    tracer, _ = _tracer()
    parent = Span("broken", trace_api.SpanContext(trace_id, span_id))
    child = tracer.start_span("child", parent=parent)
    assert child.parent is None
    assert child.context.is_valid() and child.context.trace_id != trace_id


def test_sdk_parent_with_valid_ids_is_the_parent():
    tracer, _ = _tracer()
    sampled = trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED)
    parent = Span("parent", trace_api.SpanContext(0x1234, 0x5678, sampled))
    child = tracer.start_span("child", parent=parent)
    assert child.parent is parent and child.context.trace_id == 0x1234


class _SpanWhoseContextFails(trace_api.Span):
    def get_context(self):
        raise RuntimeError("no context here")


def test_parent_whose_get_context_raises_starts_a_new_trace_with_a_log(caplog):
    tracer, exporter = _tracer()
    with caplog.at_level(logging.ERROR):
        child = tracer.start_span("child", parent=_SpanWhoseContextFails())
    child.end()
    assert child.parent is None and child.context.is_valid()
    assert list(exporter.get_finished_spans()) == [child]
    assert "get_context() of parent" in caplog.text and "no context here" in caplog.text


def test_parent_of_another_type_starts_a_new_trace_with_a_warning(caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        child = tracer.start_span("child", parent="not a span")
    assert child.parent is None and child.context.is_valid()
    assert "not a Span or SpanContext" in caplog.text


# -- sampler attributes -------------------------------------------------------


class _SamplerAdding(sampling.Sampler):
    def __init__(self, attributes):
        self.attributes = attributes

    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        return sampling.Decision(True, self.attributes)


@pytest.mark.parametrize("sampler_attributes", [[("from.sampler", 1)], "text", 42])
def test_sampler_attributes_that_are_not_a_mapping_are_dropped_and_the_spans_own_kept(
    sampler_attributes, caplog
):
    tracer, _ = _tracer(sampler=_SamplerAdding(sampler_attributes))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes={"own": "yes"})
    assert dict(span.attributes) == {"own": "yes"}
    assert "Dropped sampler attributes" in caplog.text


def test_sampler_attributes_join_the_spans_own_and_win_on_a_shared_key():
    tracer, _ = _tracer(sampler=_SamplerAdding({"shared": "sampler", "from.sampler": 1}))
    span = tracer.start_span("s", attributes={"shared": "span", "own": "yes"})
    assert dict(span.attributes) == {"shared": "sampler", "own": "yes", "from.sampler": 1}
    bare = tracer.start_span("bare")
    assert dict(bare.attributes) == {"shared": "sampler", "from.sampler": 1}


# -- use_span -----------------------------------------------------------------


def test_use_span_ending_on_exit_records_the_exception_that_left_the_block():
    tracer, exporter = _tracer()
    span = tracer.start_span("s")
    with pytest.raises(ValueError):
        with tracer.use_span(span, end_on_exit=True):
            raise ValueError("boom")
    assert span.end_time is not None
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert "boom" in span.status.description
    assert len(exporter.get_finished_spans()) == 1


def test_use_span_ending_on_exit_without_an_exception_ends_with_ok():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    with tracer.use_span(span, end_on_exit=True) as used:
        assert used is span and tracer.get_current_span() is span
    assert span.end_time is not None
    assert span.status.canonical_code is StatusCanonicalCode.OK


def test_use_span_not_ending_on_exit_leaves_the_span_open_even_on_an_exception():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    with pytest.raises(ValueError):
        with tracer.use_span(span):
            raise ValueError("boom")
    assert span.end_time is None and tracer.get_current_span() is None


# -- changes after the end ------------------------------------------------------


@pytest.mark.parametrize(
    "change, named",
    [
        (lambda span: span.set_attribute("late", 1), "set_attribute"),
        (lambda span: span.add_event("late"), "add_event"),
        (lambda span: span.add_lazy_event(trace_api.Event("late", {}, 5)), "add_event"),
        (lambda span: span.add_lazy_event(trace_api.Event("late", {"a": 1}, 5)), "add_event"),
        (lambda span: span.set_status(trace_api.status.Status()), "set_status"),
        (lambda span: span.update_name("renamed"), "update_name"),
        (lambda span: span.record_exception(ValueError("late")), "record_exception"),
    ],
)
def test_a_change_after_the_end_is_logged_naming_the_change_and_the_span(change, named, caplog):
    tracer, _ = _tracer()
    span = tracer.start_span("finished")
    span.end()
    with caplog.at_level(logging.WARNING):
        change(span)
    [record] = caplog.records
    assert "Ignored {} on span 'finished'".format(named) in record.getMessage()


# -- ids and unsampled spans ------------------------------------------------------


def test_a_zero_from_the_fast_id_source_is_replaced_by_a_valid_id(monkeypatch):
    from opentelemetry.sdk.trace import tracer as tracer_module

    monkeypatch.setattr(tracer_module, "random_bits", lambda bits: 0)
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    assert span.context.trace_id != 0 and span.context.span_id != 0
    assert span.context.is_valid()


def test_an_unsampled_span_has_valid_ids_unsampled_flags_and_the_parents_trace_state():
    tracer, _ = _tracer(sampler=sampling.ALWAYS_OFF)
    remote = trace_api.SpanContext(
        0x1234, 0x5678, trace_state=trace_api.TraceState([("vendor", "1")])
    )
    span = tracer.start_span("s", parent=remote)
    context = span.get_context()
    assert context.is_valid() and context.trace_id == 0x1234 and context.span_id != 0x5678
    assert context.trace_options == 0 and not context.trace_options.sampled
    assert dict(context.trace_state) == {"vendor": "1"}


def test_a_root_span_has_an_empty_trace_state_it_can_send():
    tracer, _ = _tracer()
    span = tracer.start_span("root")
    assert isinstance(span.context.trace_state, trace_api.TraceState)
    assert len(span.context.trace_state) == 0 and span.context.trace_state.to_header() == ""


def test_an_unsampled_span_started_as_current_is_current_inside_the_block():
    tracer, _ = _tracer(sampler=sampling.ALWAYS_OFF)
    with tracer.start_as_current_span("s") as span:
        assert tracer.get_current_span() is span
        assert not span.get_context().trace_options.sampled
    assert tracer.get_current_span() is None


@pytest.mark.parametrize("option", ["max_attributes", "max_events", "max_links"])
def test_an_invalid_limit_is_logged_by_its_name_and_zero_is_the_least_accepted(option, caplog):
    with caplog.at_level(logging.WARNING):
        assert getattr(SpanLimits(**{option: 0}), option) == 0
    assert caplog.records == []
    with caplog.at_level(logging.WARNING):
        limits = SpanLimits(**{option: -1})
    assert getattr(limits, option) == getattr(SpanLimits(), option)
    assert "SpanLimits {}=-1 ".format(option) in caplog.text


# -- samplers and names that misbehave ----------------------------------------------


@pytest.fixture
def fresh_error_reports(monkeypatch):
    """Reports are rate-limited per message: each test sees its own."""
    from opentelemetry.util import _error_handler

    monkeypatch.setattr(_error_handler, "_last_logged", {})


class _RaisingSampler(sampling.Sampler):
    def should_sample(self, *args, **kwargs):
        raise RuntimeError("sampler broke")


class _AnsweringSampler(sampling.Sampler):
    def __init__(self, answer):
        self.answer = answer

    def should_sample(self, *args, **kwargs):
        return self.answer

    def __repr__(self):
        return "AnsweringSampler({!r})".format(self.answer)


def test_a_sampler_that_raises_is_reported_once_and_the_span_not_sampled(
    fresh_error_reports, caplog
):
    tracer, _ = _tracer(sampler=_RaisingSampler())
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s")
    assert not span.get_context().trace_options.sampled and span.get_context().is_valid()
    [record] = caplog.records
    assert "sampler broke" in caplog.text


@pytest.mark.parametrize("answer", ["yes", None, 1])
def test_a_sampler_answering_something_else_is_reported_by_name(
    fresh_error_reports, caplog, answer
):
    tracer, _ = _tracer(sampler=_AnsweringSampler(answer))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s")
    assert not span.get_context().trace_options.sampled
    assert "AnsweringSampler({!r})".format(answer) in caplog.text
    assert "not a Decision" in caplog.text


@pytest.mark.parametrize(
    "decision",
    [sampling.Decision(True), sampling.Decision(True, None), sampling.Decision(True, {})],
)
def test_a_sampler_deciding_without_attributes_adds_none_and_logs_nothing(decision, caplog):
    tracer, _ = _tracer(sampler=_AnsweringSampler(decision))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes={"own": 1})
    assert dict(span.attributes) == {"own": 1}
    assert caplog.records == []


def test_a_span_name_that_is_not_a_str_is_logged_as_a_span_name(caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span(42)
    assert span.name == "42"
    assert "Span name of type int" in caplog.text


def test_a_parent_context_with_ids_of_the_wrong_type_is_logged_as_the_parent(caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", parent=trace_api.SpanContext("abc", 1))
    assert span.parent is None and span.context.is_valid()
    assert "Ignored parent" in caplog.text


# -- use_span with spans of other implementations, and decorating ---------------------


class _ForeignSpan(trace_api.Span):
    """A span of another implementation: records what its ``__exit__`` gets."""

    def __init__(self):
        self.exits = []

    def get_context(self):
        return trace_api.SpanContext(0x1234, 0x5678)

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.exits.append((exc_type, exc_val, exc_tb))


def test_use_span_ending_a_foreign_span_on_an_exception_hands_it_the_exception():
    tracer, _ = _tracer()
    span = _ForeignSpan()
    error = ValueError("boom")
    with pytest.raises(ValueError):
        with tracer.use_span(span, end_on_exit=True):
            assert tracer.get_current_span() is span
            raise error
    [(exc_type, exc_val, exc_tb)] = span.exits
    assert exc_type is ValueError and exc_val is error and exc_tb is not None


def test_start_as_current_span_as_a_decorator_traces_with_its_kind_and_links():
    tracer, exporter = _tracer()
    link = trace_api.Link(trace_api.SpanContext(0x1234, 0x5678), {"why": "batch"})

    @tracer.start_as_current_span("work", kind=trace_api.SpanKind.CONSUMER, links=[link])
    def work(value):
        return value * 2

    assert work(21) == 42
    [span] = exporter.get_finished_spans()
    assert span.name == "work" and span.kind is trace_api.SpanKind.CONSUMER
    assert [(l.context, dict(l.attributes)) for l in span.links] == [
        (link.context, {"why": "batch"})
    ]


# -- attribute values of unusual types ----------------------------------------------------


class _Float(float):
    pass


class _Unprintable:
    def __str__(self):
        raise RuntimeError("no text")


def test_a_float_subclass_value_is_kept_as_a_plain_float():
    tracer, _ = _tracer()
    span = tracer.start_span("s", attributes={"at.start": _Float(1.5)})
    span.set_attribute("later", _Float(2.5))
    assert dict(span.attributes) == {"at.start": 1.5, "later": 2.5}
    assert {type(value) for value in span.attributes.values()} == {float}


def test_attributes_given_as_a_read_only_mapping_are_kept():
    import types

    tracer, _ = _tracer()
    span = tracer.start_span("s", attributes=types.MappingProxyType({"a": 1}))
    assert dict(span.attributes) == {"a": 1}


def test_a_name_whose_str_raises_becomes_a_placeholder_naming_its_type(caplog):
    tracer, _ = _tracer()
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span(_Unprintable())
    assert span.name == "<unprintable _Unprintable>"


def test_the_length_limit_cuts_a_one_string_list_too():
    tracer, _ = _tracer(span_limits=SpanLimits(max_attribute_length=2))
    span = tracer.start_span("s", attributes={"one": ["abc"], "two": ["abc", "de"]})
    assert dict(span.attributes) == {"one": ["ab"], "two": ["ab", "de"]}


# -- exceptions and names, as recorded ---------------------------------------------


class CustomError(Exception):
    pass


class _BrokenStr(Exception):
    def __str__(self):
        raise RuntimeError("no text")


def test_an_exception_leaving_a_span_sets_unknown_with_type_and_message():
    tracer, _ = _tracer()
    with pytest.raises(ValueError):
        with tracer.start_as_current_span("s") as span:
            raise ValueError("boom")
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert span.status.description == "ValueError: boom"


def test_an_exception_whose_str_raises_is_described_by_its_type():
    tracer, _ = _tracer()
    with pytest.raises(_BrokenStr):
        with tracer.start_as_current_span("s") as span:
            raise _BrokenStr()
    assert span.status.description == "_BrokenStr"


def test_a_recorded_exception_names_its_module_qualified_type_message_and_traceback():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    try:
        raise CustomError("went wrong")
    except CustomError as caught:
        error = caught
        span.record_exception(error)
    span.record_exception(KeyError("k"))
    custom, builtin = [dict(event.attributes) for event in span.events]
    assert custom["exception.type"] == __name__ + ".CustomError"
    assert custom["exception.message"] == "went wrong"
    # As Python prints it: every line of format_exception, joined as they are.
    assert custom["exception.stacktrace"] == "".join(
        traceback.format_exception(type(error), error, error.__traceback__)
    )
    assert custom["exception.stacktrace"].startswith("Traceback (most recent call last):")
    assert builtin["exception.type"] == "KeyError"
    assert builtin["exception.stacktrace"] == "KeyError: 'k'\n"


def test_a_recorded_exception_whose_str_raises_gets_a_placeholder_message():
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    span.record_exception(_BrokenStr())
    [event] = span.events
    assert event.attributes["exception.message"] == "<unprintable _BrokenStr>"
    assert event.attributes["exception.type"].endswith("_BrokenStr")


def test_an_event_name_that_is_not_a_str_is_logged_as_an_event_name(caplog):
    tracer, _ = _tracer()
    span = tracer.start_span("s")
    with caplog.at_level(logging.WARNING):
        span.add_event(7)
    assert span.events[0].name == "7"
    assert "Event name of type int" in caplog.text


def test_ending_a_span_never_started_raises_saying_so():
    span = Span("s", trace_api.SpanContext(1, 2))
    with pytest.raises(RuntimeError, match=r"^Calling end\(\) on a span that was never started$"):
        span.end()


def test_a_link_whose_context_has_ids_of_the_wrong_type_is_dropped_and_logged_as_a_link(caplog):
    tracer, _ = _tracer()
    bad = trace_api.Link(trace_api.SpanContext("abc", 1))
    good = trace_api.Link(trace_api.SpanContext(1, 2))
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", links=(link for link in (bad, good)))
    assert [link.context for link in span.links] == [good.context]
    assert "Ignored link" in caplog.text


def test_a_span_started_with_a_limit_of_one_attribute_keeps_the_newest():
    tracer, _ = _tracer(span_limits=SpanLimits(max_attributes=1))
    span = tracer.start_span("s")
    span.set_attribute("first", 1)
    span.set_attribute("second", 2)
    assert dict(span.attributes) == {"second": 2} and span.dropped_attributes == 1


# -- the trace id ratio at its bound --------------------------------------------------


def test_trace_id_ratio_samples_low_bits_below_the_bound_and_ignores_the_high_bits():
    from opentelemetry.sdk.trace.sampling import TraceIdRatioSampler

    sampler = TraceIdRatioSampler(0.5)
    bound = 2**63
    parent = trace_api.SpanContext(1, 2, trace_api.TraceOptions(0))
    for trace_id, sampled in [
        (bound - 1, True),
        (bound, False),
        (0, True),
        (2**64 - 1, False),
        ((1 << 100) | (bound - 1), True),
        ((1 << 100) | bound, False),
    ]:
        # The parent's decision does not count: only the trace id does.
        assert sampler.should_sample(parent, trace_id, 3, "s").sampled is sampled, trace_id
    assert repr(sampler) == "TraceIdRatioSampler(0.5)" and sampler.rate == 0.5


# -- spans made directly, as v0.3 code may -----------------------------------------


def test_a_span_made_directly_has_an_empty_resource_and_records_an_exception_status():
    span = Span("direct", trace_api.SpanContext(1, 2))
    assert span.resource == Resource.create_empty() and dict(span.resource.labels) == {}
    span.start()
    with pytest.raises(ValueError):
        with span:
            raise ValueError("boom")
    assert span.status.canonical_code is StatusCanonicalCode.UNKNOWN


def test_a_span_made_directly_not_to_set_the_status_on_exception_ends_ok():
    span = Span("direct", trace_api.SpanContext(1, 2), set_status_on_exception=False)
    span.start()
    with pytest.raises(ValueError):
        with span:
            raise ValueError("boom")
    assert span.status.canonical_code is StatusCanonicalCode.OK


def test_a_span_made_directly_with_a_sampler_reports_it():
    sampler = sampling.ALWAYS_ON
    assert Span("direct", trace_api.SpanContext(1, 2), sampler=sampler).sampler is sampler
    assert Span("plain", trace_api.SpanContext(1, 2)).sampler is None
