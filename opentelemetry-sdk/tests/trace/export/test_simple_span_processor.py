"""The simple processor next to the batch one, and how it reports a failing exporter."""

import itertools
import logging
import threading

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    SimpleExportSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_names = itertools.count()


class _Failing(SpanExporter):
    """Raises ``error``, or returns ``result``; named uniquely for the log."""

    def __init__(self, error=None, result=SpanExportResult.FAILED_NOT_RETRYABLE):
        self.name = "Failing-{}".format(next(_names))
        self.error = error
        self.result = result

    def export(self, spans):
        if self.error is not None:
            raise self.error
        return self.result

    def __repr__(self):
        return self.name


def _tracer(*processors):
    source = TracerSource(shutdown_on_exit=False)
    for processor in processors:
        source.add_span_processor(processor)
    return source, source.get_tracer(__name__)


def test_simple_and_batch_processors_both_receive_every_span():
    simple_exporter, batch_exporter = InMemorySpanExporter(), InMemorySpanExporter()
    source, tracer = _tracer(
        SimpleExportSpanProcessor(simple_exporter), BatchExportSpanProcessor(batch_exporter)
    )
    for name in ("a", "b", "c"):
        tracer.start_span(name).end()
    assert source.force_flush(10000)
    assert [s.name for s in simple_exporter.get_finished_spans()] == ["a", "b", "c"]
    assert [s.name for s in batch_exporter.get_finished_spans()] == ["a", "b", "c"]
    source.shutdown()


def test_raising_exporter_is_logged_once_per_interval_and_the_app_carries_on(caplog):
    good = InMemorySpanExporter()
    source, tracer = _tracer(
        SimpleExportSpanProcessor(_Failing(error=OSError("connection refused"))),
        SimpleExportSpanProcessor(good),
    )
    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            tracer.start_span("s").end()
    assert len(good.get_finished_spans()) == 20
    reports = [r for r in caplog.records if "failed to export" in r.getMessage()]
    assert len(reports) == 1
    assert str(reports[0].exc_info[1]) == "connection refused"


def test_unsuccessful_result_is_logged_once_per_interval(caplog):
    source, tracer = _tracer(SimpleExportSpanProcessor(_Failing()))
    with caplog.at_level(logging.WARNING):
        for _ in range(20):
            tracer.start_span("s").end()
    failures = [r for r in caplog.records if "FAILED_NOT_RETRYABLE" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].levelno == logging.WARNING


# -- re-entry: nothing under the export lock may wait for it --------------

_WAIT = 10.0


def _end_in_thread(span):
    """End ``span`` in a daemon thread; whether ``end()`` returned within the bound."""
    ended = threading.Thread(target=span.end, daemon=True)
    ended.start()
    ended.join(_WAIT)
    return not ended.is_alive()


def test_exporter_that_starts_and_ends_a_span_does_not_block_span_end():
    class SpanMakingExporter(InMemorySpanExporter):
        def export(self, spans):
            # An exporter using an instrumented client: its span must not
            # come back into this processor, nor wait for its lock.
            tracer.start_span("inside-export").end()
            return super().export(spans)

    exporter = SpanMakingExporter()
    source, tracer = _tracer(SimpleExportSpanProcessor(exporter))

    assert _end_in_thread(tracer.start_span("request"))
    assert [s.name for s in exporter.get_finished_spans()] == ["request"]


def test_exporter_that_ends_a_span_of_the_application_does_not_block_span_end():
    class EndingExporter(InMemorySpanExporter):
        def export(self, spans):
            if pending:
                pending.pop().end()  # recorded before the export began
            return super().export(spans)

    exporter = EndingExporter()
    source, tracer = _tracer(SimpleExportSpanProcessor(exporter))
    pending = [tracer.start_span("earlier")]

    assert _end_in_thread(tracer.start_span("request"))
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["earlier", "request"]


def test_logging_handler_that_makes_spans_of_the_failure_log_does_not_block_span_end():
    failing = _Failing(error=OSError("backend down"))
    source, tracer = _tracer(SimpleExportSpanProcessor(failing))
    seen = []

    class SpanPerRecord(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())
            tracer.start_span("log-record").end()

    handler = SpanPerRecord()
    logger = logging.getLogger("opentelemetry.sdk.trace.export.simple_span_processor")
    logger.addHandler(handler)
    try:
        assert _end_in_thread(tracer.start_span("request"))
    finally:
        logger.removeHandler(handler)
    assert any(failing.name in message for message in seen)


def test_a_raising_exporter_leaves_the_other_processors_their_spans(caplog):
    good = InMemorySpanExporter()
    _, tracer = _tracer(
        SimpleExportSpanProcessor(_Failing(error=OSError("disk full"))),
        SimpleExportSpanProcessor(good),
    )
    with caplog.at_level(logging.ERROR):
        with tracer.start_as_current_span("s"):
            pass
    assert [span.name for span in good.get_finished_spans()] == ["s"]
    assert "disk full" in caplog.text


def test_shutdown_shuts_the_exporter_down():
    exporter = InMemorySpanExporter()
    source, _ = _tracer(SimpleExportSpanProcessor(exporter))
    source.shutdown()
    assert exporter.export([]) is SpanExportResult.FAILED_NOT_RETRYABLE


def test_the_processor_exports_on_with_its_lock_renewed_after_a_fork():
    """``_renew_locks_after_fork`` is what the SDK's fork hook calls in the child."""
    exporter = InMemorySpanExporter()
    processor = SimpleExportSpanProcessor(exporter)
    source, tracer = _tracer(processor)
    processor._renew_locks_after_fork()
    tracer.start_span("after-fork").end()
    assert [s.name for s in exporter.get_finished_spans()] == ["after-fork"]
