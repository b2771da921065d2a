"""The in-memory exporter, the helper users test their instrumented code with."""

import threading

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    SimpleExportSpanProcessor,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _traced(processor_class):
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    processor = processor_class(exporter)
    source.add_span_processor(processor)
    return exporter, processor, source.get_tracer(__name__)


def test_finished_spans_are_returned_in_the_order_they_ended():
    exporter, _, tracer = _traced(SimpleExportSpanProcessor)
    with tracer.start_as_current_span("parent"):
        with tracer.start_as_current_span("child"):
            pass
    spans = exporter.get_finished_spans()
    assert [span.name for span in spans] == ["child", "parent"]
    assert spans[0].parent is spans[1]


def test_finished_spans_are_a_snapshot():
    exporter, _, tracer = _traced(SimpleExportSpanProcessor)
    tracer.start_span("one").end()
    snapshot = exporter.get_finished_spans()
    tracer.start_span("two").end()
    assert [span.name for span in snapshot] == ["one"]


def test_clear_forgets_what_was_exported():
    exporter, _, tracer = _traced(SimpleExportSpanProcessor)
    tracer.start_span("before").end()
    exporter.clear()
    tracer.start_span("after").end()
    assert [span.name for span in exporter.get_finished_spans()] == ["after"]


def test_works_behind_the_batch_processor_after_a_flush():
    exporter, processor, tracer = _traced(BatchExportSpanProcessor)
    tracer.start_span("queued").end()
    assert processor.force_flush(10000)
    assert [span.name for span in exporter.get_finished_spans()] == ["queued"]
    processor.shutdown()


def test_concurrent_exports_keep_every_span():
    exporter, _, tracer = _traced(SimpleExportSpanProcessor)

    def produce():
        for _ in range(2000):
            tracer.start_span("s").end()

    threads = [threading.Thread(target=produce) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()
    spans = exporter.get_finished_spans()
    assert len(spans) == 8000
    assert len({span.context.span_id for span in spans}) == 8000


def test_after_shutdown_export_fails_not_retryable_and_spans_are_kept():
    exporter, _, tracer = _traced(SimpleExportSpanProcessor)
    tracer.start_span("kept").end()
    exporter.shutdown()
    assert exporter.export(()) is SpanExportResult.FAILED_NOT_RETRYABLE
    tracer.start_span("refused").end()
    assert [span.name for span in exporter.get_finished_spans()] == ["kept"]
