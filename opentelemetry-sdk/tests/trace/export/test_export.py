"""Simple export, the console and in-memory exporters, and failure isolation."""

import io
import logging

from opentelemetry.sdk.trace import SpanProcessor, TracerSource
from opentelemetry.sdk.trace.export import (
    ConsoleSpanExporter,
    SimpleExportSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def _tracer_with(*processors):
    source = TracerSource(shutdown_on_exit=False)
    for processor in processors:
        source.add_span_processor(processor)
    return source.get_tracer("t")


def test_console_exporter_writes_str_and_newline_per_span():
    out = io.StringIO()
    tracer = _tracer_with(SimpleExportSpanProcessor(ConsoleSpanExporter(out=out)))
    with tracer.start_as_current_span("outer") as outer:
        with tracer.start_as_current_span("inner") as inner:
            pass
    assert out.getvalue() == str(inner) + "\n" + str(outer) + "\n"


def test_console_exporter_custom_formatter():
    out = io.StringIO()
    exporter = ConsoleSpanExporter(out=out, formatter=lambda span: span.name + ";")
    tracer = _tracer_with(SimpleExportSpanProcessor(exporter))
    tracer.start_span("a").end()
    tracer.start_span("b").end()
    assert out.getvalue() == "a;b;"


def test_console_exporter_defaults_to_stdout(capsys):
    tracer = _tracer_with(SimpleExportSpanProcessor(ConsoleSpanExporter()))
    tracer.start_span("printed").end()
    assert capsys.readouterr().out.startswith('Span(name="printed"')


def test_in_memory_exporter_collects_clears_and_stops():
    exporter = InMemorySpanExporter()
    tracer = _tracer_with(SimpleExportSpanProcessor(exporter))
    tracer.start_span("a").end()
    assert [s.name for s in exporter.get_finished_spans()] == ["a"]
    exporter.clear()
    assert exporter.get_finished_spans() == ()
    exporter.shutdown()
    assert exporter.export([]) is SpanExportResult.FAILED_NOT_RETRYABLE


def test_raising_exporter_does_not_break_the_app_or_other_processors(caplog):
    class Broken(SpanExporter):
        def export(self, spans):
            raise OSError("disk full")

    good = InMemorySpanExporter()
    tracer = _tracer_with(SimpleExportSpanProcessor(Broken()), SimpleExportSpanProcessor(good))
    with caplog.at_level(logging.ERROR):
        with tracer.start_as_current_span("s"):
            pass
    assert [s.name for s in good.get_finished_spans()] == ["s"]
    assert "disk full" in caplog.text


def test_raising_processor_is_isolated_from_the_others(caplog):
    class Broken(SpanProcessor):
        def on_start(self, span):
            raise ValueError("start broke")

        def on_end(self, span):
            raise ValueError("end broke")

    good = InMemorySpanExporter()
    tracer = _tracer_with(Broken(), SimpleExportSpanProcessor(good))
    with caplog.at_level(logging.ERROR):
        tracer.start_span("s").end()
    assert len(good.get_finished_spans()) == 1
    assert "start broke" in caplog.text and "end broke" in caplog.text


def test_repeated_failures_are_rate_limited(caplog):
    class Broken(SpanExporter):
        def export(self, spans):
            raise OSError("unreachable")

    tracer = _tracer_with(SimpleExportSpanProcessor(Broken()))
    with caplog.at_level(logging.ERROR):
        for _ in range(50):
            tracer.start_span("s").end()
    assert caplog.text.count("unreachable") <= 2


def test_unsuccessful_export_result_is_logged(caplog):
    class Refusing(SpanExporter):
        def export(self, spans):
            return SpanExportResult.FAILED_NOT_RETRYABLE

    tracer = _tracer_with(SimpleExportSpanProcessor(Refusing()))
    with caplog.at_level(logging.WARNING):
        tracer.start_span("s").end()
    assert "FAILED_NOT_RETRYABLE" in caplog.text


def test_simple_processor_shutdown_shuts_the_exporter_down():
    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    source.shutdown()
    assert exporter.export([]) is SpanExportResult.FAILED_NOT_RETRYABLE
