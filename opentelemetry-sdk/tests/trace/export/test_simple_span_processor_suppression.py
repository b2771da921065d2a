"""The simple processor exports and shuts its exporter down with instrumentation suppressed."""

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanContext


class _SeesSuppression(SpanExporter):
    def __init__(self):
        self.seen = []

    def export(self, spans):
        self.seen.append(("export", Context.suppress_instrumentation))
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.seen.append(("shutdown", Context.suppress_instrumentation))


def test_export_and_shutdown_run_with_instrumentation_suppressed_and_restore_it():
    exporter = _SeesSuppression()
    processor = SimpleExportSpanProcessor(exporter)
    span = Span("s", SpanContext(1, 2))
    span.start()
    processor.on_end(span)
    processor.shutdown()
    assert exporter.seen == [("export", True), ("shutdown", True)]
    assert not Context.suppress_instrumentation


def test_the_first_export_of_a_process_registers_the_slot_and_runs_suppressed(monkeypatch):
    from opentelemetry.sdk.trace import _suppression

    monkeypatch.setattr(_suppression, "var_if_registered", None)  # as before any export
    exporter = _SeesSuppression()
    processor = SimpleExportSpanProcessor(exporter)
    span = Span("s", SpanContext(1, 2))
    span.start()
    processor.on_end(span)
    assert exporter.seen == [("export", True)]
    assert _suppression.var_if_registered is not None
    assert not Context.suppress_instrumentation
