"""start_as_current_span(...) as a decorator of functions and coroutine functions."""

import asyncio
import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.trace import sampling


def test_each_call_of_a_decorated_function_runs_in_a_new_span(tracer, exporter):
    @tracer.start_as_current_span("load", kind=trace_api.SpanKind.CLIENT, attributes={"db": "orders"})
    def load(order_id):
        """Loads an order."""
        return tracer.get_current_span(), order_id

    assert exporter.get_finished_spans() == ()  # decorating records nothing
    with tracer.start_as_current_span("request") as request:
        (first, one), (second, two) = load(1), load(2)
    assert (one, two) == (1, 2)
    assert first is not second
    assert load.__name__ == "load" and load.__doc__ == "Loads an order."
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["load", "load", "request"]
    for span in spans[:2]:
        assert span.parent is request
        assert span.kind is trace_api.SpanKind.CLIENT
        assert dict(span.attributes) == {"db": "orders"}


def test_a_decorated_coroutine_function_is_traced_across_its_awaits(tracer, exporter):
    @tracer.start_as_current_span("fetch")
    async def fetch():
        await asyncio.sleep(0)
        return tracer.get_current_span()

    async def main():
        with tracer.start_as_current_span("root") as root:
            return root, await asyncio.gather(fetch(), fetch())

    root, current = asyncio.run(main())
    spans = {span.name: span for span in exporter.get_finished_spans()}
    fetches = [span for span in exporter.get_finished_spans() if span.name == "fetch"]
    assert len(fetches) == 2 and set(current) == set(fetches)
    assert all(span.parent is root for span in fetches)
    assert all(span.end_time >= span.start_time for span in fetches)
    assert "root" in spans


def test_an_exception_from_a_decorated_function_is_recorded_and_propagates(tracer, exporter):
    @tracer.start_as_current_span("fails")
    def fails():
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        fails()
    (span,) = exporter.get_finished_spans()
    assert span.events[0].name == "exception"
    assert span.status.canonical_code is not None and not span.status.is_ok


def test_decorating_with_an_unsampled_span_still_traces_later_calls(exporter):
    class FirstNotSampled(sampling.Sampler):
        def __init__(self):
            self.calls = 0

        def should_sample(self, *args, **kwargs):
            self.calls += 1
            return sampling.Decision(self.calls > 1)

    source = TracerSource(FirstNotSampled(), shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer("t")

    linked = trace_api.SpanContext(0x1234, 0x5678, is_remote=True)

    @tracer.start_as_current_span(
        "job",
        kind=trace_api.SpanKind.CONSUMER,
        attributes={"k": "v"},
        links=[trace_api.Link(linked)],
    )
    def job():
        return 7

    assert job() == 7
    (span,) = exporter.get_finished_spans()
    assert span.name == "job" and dict(span.attributes) == {"k": "v"}
    assert span.kind is trace_api.SpanKind.CONSUMER
    assert [link.context for link in span.links] == [linked]


def test_the_no_op_tracer_decorates_with_the_function_itself():
    def work():
        return 1

    assert trace_api.DefaultTracer().start_as_current_span("s")(work) is work


def test_a_lazy_tracer_decorating_at_import_follows_the_later_choice(monkeypatch, exporter):
    from opentelemetry.trace import _lazy_tracer

    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    resolved = []

    def resolve():
        resolved.append(True)
        return source

    lazy = _lazy_tracer.LazyTracer(resolve, "lib", "1")

    @lazy.start_as_current_span("imported")
    def imported():
        return lazy.get_current_span()

    assert resolved == []  # decorating chose nothing
    span = imported()
    assert resolved == [True]
    assert [s.name for s in exporter.get_finished_spans()] == ["imported"]
    assert exporter.get_finished_spans()[0] is span


def test_a_lazy_tracer_scope_works_as_a_with_block(exporter):
    from opentelemetry.trace import _lazy_tracer

    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    lazy = _lazy_tracer.LazyTracer(lambda: source, "lib", "1")
    with pytest.raises(KeyError):
        with lazy.start_as_current_span("block") as span:
            assert lazy.get_current_span() is span
            raise KeyError("k")
    (finished,) = exporter.get_finished_spans()
    assert finished.name == "block" and finished.events[0].name == "exception"


def test_bad_decorator_arguments_leave_the_function_untraced(caplog):
    from opentelemetry.trace import _lazy_tracer

    lazy = _lazy_tracer.LazyTracer(lambda: trace_api.DefaultTracerSource(), "lib", "1")

    def work():
        return 1

    with caplog.at_level(logging.WARNING):
        assert lazy.start_as_current_span("s", bogus=1)(work) is work
    assert "cannot decorate" in caplog.text


def test_a_span_not_from_start_as_current_span_does_not_decorate(tracer, caplog):
    def work():
        return 1

    span = tracer.start_span("plain")
    with caplog.at_level(logging.WARNING):
        assert span(work) is work
        assert tracer.use_span(span)(work) is work
    assert "cannot decorate" in caplog.text
