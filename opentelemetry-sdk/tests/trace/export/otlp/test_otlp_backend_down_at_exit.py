"""A backend that is down at shutdown: a refused connection is final, so the process exits at once."""

import logging
import os
import subprocess
import sys

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import Span, TracerSource
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export._shutdown_exports import shutdown_exports
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter


def _spans():
    span = Span("one", trace_api.SpanContext(1, 1))
    span.start(start_time=1)
    span.end(end_time=2)
    return [span]


def test_refused_connection_during_shutdown_exports_is_final(closed_port, fake_time, caplog):
    exporter = OTLPSpanExporter("http://127.0.0.1:{}".format(closed_port))
    with caplog.at_level(logging.WARNING), shutdown_exports():
        assert exporter.export(_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()
    assert fake_time.sleeps == []  # no backoff: not retried
    assert "at shutdown: ConnectionRefusedError" in caplog.text


def test_refused_connection_outside_shutdown_is_still_retried(closed_port, fake_time):
    exporter = OTLPSpanExporter("http://127.0.0.1:{}".format(closed_port), timeout=3)
    assert exporter.export(_spans()) is SpanExportResult.FAILED_RETRYABLE
    exporter.shutdown()
    assert fake_time.sleeps  # backed off and tried again within the timeout


def test_batch_processor_shutdown_with_the_backend_down_tries_once(closed_port, fake_time, caplog):
    source = TracerSource(shutdown_on_exit=False)
    processor = BatchExportSpanProcessor(
        OTLPSpanExporter("http://127.0.0.1:{}".format(closed_port)), schedule_delay_millis=60_000
    )
    source.add_span_processor(processor)
    source.get_tracer(__name__).start_span("queued").end()
    with caplog.at_level(logging.WARNING):
        source.shutdown()
    assert fake_time.sleeps == []
    assert processor.spans_failed_export == 1  # counted, not silently lost
    assert "at shutdown: ConnectionRefusedError" in caplog.text


def test_one_span_script_with_the_backend_down_exits_without_retrying(closed_port):
    program = (
        "from opentelemetry.sdk.trace import configure_tracing\n"
        "configure_tracing('down')\n"
        "from opentelemetry import trace\n"
        "trace.get_tracer(__name__).start_span('one').end()\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "OPENTELEMETRY_"))}
    env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:{}".format(closed_port)
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "at shutdown: ConnectionRefusedError" in result.stderr
    assert "within" not in result.stderr  # the exporter's retries until its timeout did not run
