"""The SDK tracer: parents, the current span, ids, bad input."""

import asyncio
import logging
import threading

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.trace import sampling
from opentelemetry.trace.status import StatusCanonicalCode


def test_no_current_span_is_none(tracer):
    assert tracer.get_current_span() is None


def test_nested_spans_form_a_parent_chain_in_one_trace(tracer, exporter):
    with tracer.start_as_current_span("foo") as foo:
        with tracer.start_as_current_span("bar") as bar:
            with tracer.start_as_current_span("baz") as baz:
                assert tracer.get_current_span() is baz
            assert tracer.get_current_span() is bar
        assert tracer.get_current_span() is foo
    assert tracer.get_current_span() is None
    assert [s.name for s in exporter.get_finished_spans()] == ["baz", "bar", "foo"]
    assert baz.parent is bar and bar.parent is foo and foo.parent is None
    assert len({s.context.trace_id for s in (foo, bar, baz)}) == 1
    assert len({s.context.span_id for s in (foo, bar, baz)}) == 3


def test_current_span_restored_when_block_raises(tracer):
    with tracer.start_as_current_span("outer") as outer:
        with pytest.raises(RuntimeError):
            with tracer.start_as_current_span("inner"):
                raise RuntimeError()
        assert tracer.get_current_span() is outer


def test_ids_are_non_zero_and_sampled(tracer):
    span = tracer.start_span("s")
    assert span.context.trace_id != 0 and span.context.span_id != 0
    assert span.context.trace_options.sampled
    assert span.context.trace_id < 2**128 and span.context.span_id < 2**64


def test_start_span_does_not_make_it_current(tracer):
    span = tracer.start_span("s")
    assert tracer.get_current_span() is None
    span.end()


def test_explicit_span_parent(tracer):
    parent = tracer.start_span("p")
    child = tracer.start_span("c", parent=parent)
    assert child.parent is parent
    assert child.context.trace_id == parent.context.trace_id


def test_remote_span_context_parent_keeps_trace_and_state(tracer):
    remote = trace_api.SpanContext(
        0x1234, 0x5678, trace_api.TraceOptions(1), trace_api.TraceState({"vendor": "v"})
    )
    child = tracer.start_span("c", parent=remote)
    assert child.parent is remote
    assert child.context.trace_id == 0x1234
    assert child.context.trace_state == {"vendor": "v"}


def test_none_parent_starts_a_new_trace_even_inside_a_span(tracer):
    with tracer.start_as_current_span("outer") as outer:
        root = tracer.start_span("root", parent=None)
    assert root.parent is None
    assert root.context.trace_id != outer.context.trace_id


def test_invalid_parent_context_starts_a_new_trace(tracer):
    child = tracer.start_span("c", parent=trace_api.INVALID_SPAN_CONTEXT)
    assert child.parent is None
    assert child.context.is_valid()


def test_parent_of_a_wrong_type_is_logged_and_starts_a_new_trace(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        child = tracer.start_span("c", parent="not a span")
    assert child.parent is None and child.context.is_valid()
    assert "not a Span or SpanContext" in caplog.text


def test_non_str_name_is_logged_and_converted(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span(42)
    assert span.name == "42"
    assert "not a str" in caplog.text


def test_kind_and_instrumentation_info_reach_the_span(tracer):
    span = tracer.start_span("s", kind=trace_api.SpanKind.CLIENT)
    assert span.kind is trace_api.SpanKind.CLIENT
    assert span.instrumentation_info.name == "tests"
    assert span.instrumentation_info.version == "1.0"


def test_use_span_makes_current_without_ending_by_default(tracer):
    span = tracer.start_span("s")
    with tracer.use_span(span) as used:
        assert used is span and tracer.get_current_span() is span
    assert tracer.get_current_span() is None
    assert span.end_time is None
    with tracer.use_span(span, end_on_exit=True):
        pass
    assert span.end_time is not None


def test_use_span_with_none_logs_and_yields_the_invalid_span(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        with tracer.use_span(None) as used:
            assert used is trace_api.INVALID_SPAN
            assert tracer.get_current_span() is None
    assert "not a Span" in caplog.text


def test_get_tracer_with_empty_name_logs_error_and_names_it(source, caplog):
    with caplog.at_level(logging.ERROR):
        tracer = source.get_tracer("")
    assert tracer.instrumentation_info.name == "ERROR:MISSING MODULE NAME"
    assert "missing module name" in caplog.text


def test_each_thread_has_its_own_current_span(tracer):
    results = {}
    barrier = threading.Barrier(4)

    def work(index):
        with tracer.start_as_current_span("t{}".format(index)) as span:
            barrier.wait(5)
            results[index] = tracer.get_current_span() is span

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {0: True, 1: True, 2: True, 3: True}


def test_concurrent_asyncio_tasks_get_their_own_parents(tracer, exporter):
    async def request(index):
        with tracer.start_as_current_span("request{}".format(index)):
            await asyncio.sleep(0)
            with tracer.start_as_current_span("query{}".format(index)):
                await asyncio.sleep(0)

    async def main():
        await asyncio.gather(*(request(i) for i in range(20)))

    asyncio.run(main())
    spans = {s.name: s for s in exporter.get_finished_spans()}
    for index in range(20):
        assert spans["query{}".format(index)].parent is spans["request{}".format(index)]


class _SideBySideGuard:
    """Wraps a span's once-guard: each thread touching it waits until the other one does.

    So both threads are inside ``end()``'s check at the same moment, every
    time: a guard that is read into a copy, or checked and then set in two
    steps, lets both through and the span is exported twice.
    """

    def __init__(self, guard, barrier):
        self._guard = guard
        self._barrier = barrier

    def _meet(self):
        try:
            self._barrier.wait(5)
        except threading.BrokenBarrierError:
            pass  # the other thread gave up: nothing left to race

    def __getattr__(self, name):
        self._meet()
        return getattr(self._guard, name)

    def __iter__(self):
        self._meet()
        return iter(self._guard)

    def __len__(self):
        self._meet()
        return len(self._guard)

    def __bool__(self):
        self._meet()
        return bool(self._guard)


def test_ending_from_two_threads_at_once_exports_once(tracer, exporter):
    count = 50
    spans = [tracer.start_span(str(i)) for i in range(count)]
    for span in spans:
        span._end_guard = _SideBySideGuard(span._end_guard, threading.Barrier(2))

    def end_all():
        for span in spans:
            span.end()

    threads = [threading.Thread(target=end_all) for _ in range(2)]
    logging.disable(logging.WARNING)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        logging.disable(logging.NOTSET)
    assert not any(thread.is_alive() for thread in threads)
    names = [span.name for span in exporter.get_finished_spans()]
    assert sorted(names, key=int) == [str(i) for i in range(count)]


def test_kind_of_a_wrong_type_is_logged_and_internal_used(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", kind="server")
    assert span.kind is trace_api.SpanKind.INTERNAL
    assert "not a SpanKind" in caplog.text


@pytest.mark.parametrize("links", [5, "abc", [None, 3]])
def test_links_of_wrong_types_are_logged_and_dropped(tracer, caplog, links):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", links=links)
    assert span.links == ()
    assert "Dropped link" in caplog.text


def test_attributes_that_are_not_a_mapping_are_logged_and_dropped(tracer, caplog):
    with caplog.at_level(logging.WARNING):
        span = tracer.start_span("s", attributes=[("k", "v")])
    assert dict(span.attributes) == {}
    assert "not a mapping" in caplog.text


# -- re-entering the span of start_as_current_span -------------------------


def test_span_of_start_as_current_span_may_be_entered_again_inside_its_block(tracer, exporter):
    with tracer.start_as_current_span("outer") as span:
        with span:  # v0.3 spans are context managers: this ends it on exit
            assert tracer.get_current_span() is span
        assert tracer.get_current_span() is span
    assert tracer.get_current_span() is None
    assert [s.name for s in exporter.get_finished_spans()] == ["outer"]


def test_use_span_ending_an_unentered_current_span_keeps_the_applications_exception(
    tracer, exporter
):
    span = tracer.start_as_current_span("handed-over")
    with pytest.raises(ValueError, match="the application's"):
        with tracer.use_span(span, end_on_exit=True):
            raise ValueError("the application's")
    (ended,) = exporter.get_finished_spans()
    assert ended.name == "handed-over"
    assert ended.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert tracer.get_current_span() is None


def test_use_span_ending_the_span_of_the_enclosing_block_leaves_it_current(tracer, exporter):
    with tracer.start_as_current_span("outer") as span:
        with pytest.raises(KeyError):
            with tracer.use_span(span, end_on_exit=True):
                raise KeyError("x")
        assert tracer.get_current_span() is span
    assert tracer.get_current_span() is None
    assert [s.name for s in exporter.get_finished_spans()] == ["outer"]


# -- span contexts the application builds -----------------------------------


@pytest.mark.parametrize(
    "trace_id, span_id",
    [("0" * 31 + "1", 1), (1, "1"), (2**128, 1), (1, 2**64), (-1, 1), (1.0, 1)],
)
def test_parent_context_with_unusable_ids_is_logged_and_starts_a_new_trace(
    tracer, exporter, caplog, trace_id, span_id
):
    parent = trace_api.SpanContext(trace_id, span_id, trace_api.TraceOptions(1))
    tracer.start_span("child", parent=parent).end()
    (span,) = exporter.get_finished_spans()
    assert span.parent is None
    assert type(span.context.trace_id) is int and 0 < span.context.trace_id < 2**128
    assert "trace id" in caplog.text


def test_parent_context_with_a_str_trace_state_is_repaired(tracer, exporter, caplog):
    parent = trace_api.SpanContext(
        0xABC, 0xDEF, trace_api.TraceOptions(1), trace_state="vendor=value"
    )
    tracer.start_span("child", parent=parent).end()
    (span,) = exporter.get_finished_spans()
    assert isinstance(span.context.trace_state, trace_api.TraceState)
    assert dict(span.context.trace_state) == {"vendor": "value"}
    assert isinstance(span.parent.trace_state, trace_api.TraceState)
    assert span.parent.span_id == 0xDEF
    assert "trace_state" in caplog.text


def test_link_with_unusable_ids_is_dropped_and_a_str_trace_state_repaired(
    tracer, exporter, caplog
):
    links = [
        trace_api.Link(trace_api.SpanContext("1", 2)),
        trace_api.Link(trace_api.SpanContext(1, 2, trace_state="k=v"), {"a": 1}),
    ]
    tracer.start_span("linked", links=links).end()
    (span,) = exporter.get_finished_spans()
    (link,) = span.links
    assert dict(link.context.trace_state) == {"k": "v"}
    assert dict(link.attributes) == {"a": 1}


# -- samplers that do not return a Decision ---------------------------------


@pytest.mark.parametrize(
    "answer, sampled", [(True, True), (False, False), (None, False), (1, False)]
)
def test_sampler_returning_something_else_than_a_decision_is_logged(
    exporter, caplog, answer, sampled
):
    class Answering(sampling.Sampler):
        def should_sample(self, *args, **kwargs):
            return answer

    source = TracerSource(sampler=Answering(), shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    span = source.get_tracer("t").start_span("s")
    span.end()
    assert span.is_recording_events() is sampled
    assert len(exporter.get_finished_spans()) == int(sampled)
    assert "not a Decision" in caplog.text


def test_a_decision_whose_attributes_are_none_adds_none_and_logs_nothing(exporter, caplog):
    class NoneAttributes(sampling.Sampler):
        def should_sample(self, *args, **kwargs):
            decision = sampling.Decision(True)
            decision.attributes = None  # as code that builds its decisions by hand may leave it
            return decision

    source = TracerSource(sampler=NoneAttributes(), shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    with caplog.at_level(logging.DEBUG):
        span = source.get_tracer("t").start_span("s", attributes={"own": "yes"})
    span.end()
    assert dict(span.attributes) == {"own": "yes"}
    assert caplog.records == []
