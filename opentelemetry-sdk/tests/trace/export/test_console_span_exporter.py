"""The console exporter: each span as text, one per line, to the stream given."""

import io

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleExportSpanProcessor


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
