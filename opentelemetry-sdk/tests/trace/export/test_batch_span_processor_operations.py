"""The batch processor in operation: OTEL_BSP_* defaults, visible drops, forks without hooks."""

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.export import batch_span_processor as bsp_module
from opentelemetry.sdk.trace._timeouts import MAX_WAIT_MILLIS

WAIT = 10
ROOT = Path(__file__).resolve().parents[4]


class GatedExporter(SpanExporter):
    """Holds every export until the gate opens; records what it exported."""

    def __init__(self):
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.exported = []

    def export(self, spans):
        self.entered.set()
        self.gate.wait(WAIT)
        self.exported.extend(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.gate.set()


def _ended_span(number):
    span = Span("s{}".format(number), trace_api.SpanContext(1, number))
    span.start()
    span.end()
    return span


@pytest.fixture
def no_bsp_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("OTEL_BSP_"):
            monkeypatch.delenv(name)
    return monkeypatch


# -- OTEL_BSP_* ------------------------------------------------------------------


def test_the_environment_sets_the_defaults(no_bsp_environment):
    no_bsp_environment.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "100")
    no_bsp_environment.setenv("OTEL_BSP_SCHEDULE_DELAY", "250")
    no_bsp_environment.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10")
    no_bsp_environment.setenv("OTEL_BSP_EXPORT_TIMEOUT", "750")
    processor = BatchExportSpanProcessor(GatedExporter())
    try:
        assert (
            processor.max_queue_size,
            processor.schedule_delay_millis,
            processor.max_export_batch_size,
            processor.export_timeout_millis,
        ) == (100, 250, 10, 750)
    finally:
        processor.shutdown()


def test_without_the_environment_the_defaults_are_v03s(no_bsp_environment):
    processor = BatchExportSpanProcessor(GatedExporter())
    try:
        assert (
            processor.max_queue_size,
            processor.schedule_delay_millis,
            processor.max_export_batch_size,
            processor.export_timeout_millis,
        ) == (2048, 5000, 512, 30000)
    finally:
        processor.shutdown()


def test_bad_variables_are_logged_and_the_defaults_used(no_bsp_environment, caplog):
    no_bsp_environment.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "lots")
    no_bsp_environment.setenv("OTEL_BSP_SCHEDULE_DELAY", "-5")
    with caplog.at_level(logging.WARNING):
        processor = BatchExportSpanProcessor(GatedExporter())
    try:
        assert (processor.max_queue_size, processor.schedule_delay_millis) == (2048, 5000)
        assert "OTEL_BSP_MAX_QUEUE_SIZE" in caplog.text and "OTEL_BSP_SCHEDULE_DELAY" in caplog.text
    finally:
        processor.shutdown()


def test_arguments_win_and_an_environment_batch_size_yields_to_a_given_queue_size(
    no_bsp_environment, caplog
):
    no_bsp_environment.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "4096")
    no_bsp_environment.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "600")
    with caplog.at_level(logging.WARNING):
        processor = BatchExportSpanProcessor(GatedExporter(), max_queue_size=300)
    try:
        assert (processor.max_queue_size, processor.max_export_batch_size) == (300, 300)
        assert "OTEL_BSP_MAX_EXPORT_BATCH_SIZE 600 exceeds max_queue_size=300" in caplog.text
    finally:
        processor.shutdown()


def test_an_environment_batch_size_equal_to_a_given_queue_size_is_kept_quietly(
    no_bsp_environment, caplog
):
    no_bsp_environment.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "300")
    with caplog.at_level(logging.WARNING):
        processor = BatchExportSpanProcessor(GatedExporter(), max_queue_size=300)
    processor.shutdown()
    assert (processor.max_queue_size, processor.max_export_batch_size) == (300, 300)
    assert caplog.records == []


def test_an_environment_batch_size_yields_to_a_given_queue_size_of_one(no_bsp_environment, caplog):
    no_bsp_environment.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "2")
    with caplog.at_level(logging.WARNING):
        processor = BatchExportSpanProcessor(GatedExporter(), max_queue_size=1)
    processor.shutdown()
    assert (processor.max_queue_size, processor.max_export_batch_size) == (1, 1)
    assert "OTEL_BSP_MAX_EXPORT_BATCH_SIZE 2 exceeds max_queue_size=1; using 1" in caplog.text


def test_a_given_queue_size_of_zero_is_refused_without_touching_the_batch_size(
    no_bsp_environment, caplog
):
    with caplog.at_level(logging.WARNING):
        with pytest.raises(ValueError, match="^max_queue_size must be a positive int, not 0$"):
            BatchExportSpanProcessor(GatedExporter(), max_queue_size=0)
    assert caplog.records == []


@pytest.mark.parametrize("name", ["schedule_delay_millis", "export_timeout_millis"])
def test_the_longest_wait_is_accepted_quietly_and_one_more_millisecond_is_capped(caplog, name):
    with caplog.at_level(logging.WARNING):
        processor = BatchExportSpanProcessor(GatedExporter(), **{name: MAX_WAIT_MILLIS})
        processor.shutdown()
        assert getattr(processor, name) == MAX_WAIT_MILLIS
        assert caplog.records == []
        processor = BatchExportSpanProcessor(GatedExporter(), **{name: MAX_WAIT_MILLIS + 1})
        processor.shutdown()
    assert getattr(processor, name) == MAX_WAIT_MILLIS
    assert "{}={} is too large; using {}".format(name, MAX_WAIT_MILLIS + 1, MAX_WAIT_MILLIS) in caplog.text


@pytest.mark.parametrize("delay", [float("inf"), float("nan"), -float("inf")])
def test_a_schedule_delay_that_is_not_a_finite_number_is_refused(delay):
    with pytest.raises(ValueError, match="^schedule_delay_millis must be a positive number"):
        BatchExportSpanProcessor(GatedExporter(), schedule_delay_millis=delay)


# -- drops are visible ----------------------------------------------------------------


def test_the_first_span_ended_after_shutdown_is_logged_at_once(caplog):
    processor = BatchExportSpanProcessor(GatedExporter())
    processor.shutdown()
    with caplog.at_level(logging.WARNING, logger=bsp_module.__name__):
        processor.on_end(_ended_span(1))
        assert processor.spans_dropped_after_shutdown == 1
        assert len(caplog.records) == 1
        assert "has been shut down: dropping ended spans" in caplog.records[0].getMessage()
        processor.on_end(_ended_span(2))
    assert processor.spans_dropped_after_shutdown == 2 and len(caplog.records) == 1


def test_the_next_drop_line_comes_exactly_one_interval_after_the_last(monkeypatch, caplog):
    exporter = GatedExporter()
    processor = BatchExportSpanProcessor(exporter, max_queue_size=1, max_export_batch_size=1)
    clock = [1000.0]
    monkeypatch.setattr(bsp_module.time, "monotonic", lambda: clock[0])
    try:
        processor.on_end(_ended_span(1))
        assert exporter.entered.wait(WAIT)  # the worker holds span 1
        processor.on_end(_ended_span(2))  # fills the queue
        with caplog.at_level(logging.WARNING, logger=bsp_module.__name__):
            processor.on_end(_ended_span(3))  # logged: the first drop
            clock[0] += 60.0
            processor.on_end(_ended_span(4))  # logged: exactly one interval later
        lines = [r.getMessage() for r in caplog.records if "queue is full" in r.getMessage()]
        assert len(lines) == 2 and "dropped so far: 2" in lines[1]
    finally:
        exporter.gate.set()
        processor.shutdown()


def test_the_first_drop_is_logged_then_one_line_per_interval_with_the_count(monkeypatch, caplog):
    exporter = GatedExporter()
    processor = BatchExportSpanProcessor(exporter, max_queue_size=1, max_export_batch_size=1)
    clock = [1000.0]
    monkeypatch.setattr(bsp_module.time, "monotonic", lambda: clock[0])
    try:
        processor.on_end(_ended_span(1))
        assert exporter.entered.wait(WAIT)  # the worker holds span 1
        processor.on_end(_ended_span(2))  # fills the queue
        with caplog.at_level(logging.WARNING, logger=bsp_module.__name__):
            processor.on_end(_ended_span(3))
            processor.on_end(_ended_span(4))
            clock[0] += 59.0
            processor.on_end(_ended_span(5))
            first_lines = [r.getMessage() for r in caplog.records if "queue is full" in r.getMessage()]
            clock[0] += 2.0
            processor.on_end(_ended_span(6))
        lines = [r.getMessage() for r in caplog.records if "queue is full" in r.getMessage()]
        assert len(first_lines) == 1 and first_lines[0].endswith("dropped so far: 1 (spans_dropped_queue_full)")
        assert len(lines) == 2 and "dropped so far: 4" in lines[1]
        assert processor.spans_dropped_queue_full == 4
    finally:
        exporter.gate.set()
        processor.shutdown()


# -- forks without hooks -----------------------------------------------------------------


def test_a_new_process_id_on_end_starts_the_processor_afresh(monkeypatch):
    exporter = GatedExporter()
    exporter.gate.set()
    processor = BatchExportSpanProcessor(exporter, max_export_batch_size=1)
    try:
        processor.on_end(_ended_span(1))
        assert processor.force_flush(WAIT * 1000)
        parent_worker = processor.worker_thread
        monkeypatch.setattr(bsp_module, "_getpid", lambda: -1)  # as after a C-level fork()
        processor.on_end(_ended_span(2))
        assert processor.worker_thread is not parent_worker and processor.worker_thread.is_alive()
        assert processor.spans_queued == 1  # zero counts, then this span
        assert processor.force_flush(WAIT * 1000)
        assert [span.context.span_id for span in exporter.exported] == [1, 2]
    finally:
        processor.shutdown()


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="needs libc fork()")
def test_a_c_level_fork_gets_its_own_worker_on_the_next_on_end(tmp_path):
    """fork() through ctypes runs none of Python's fork hooks, as uWSGI's does not."""
    program = '''
import ctypes, os, sys
from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExporter, SpanExportResult

class Counting(SpanExporter):
    def __init__(self):
        self.count = 0
    def export(self, spans):
        self.count += len(spans)
        return SpanExportResult.SUCCESS

def ended(number):
    span = Span("s", trace_api.SpanContext(1, number))
    span.start()
    span.end()
    return span

exporter = Counting()
processor = BatchExportSpanProcessor(exporter, max_export_batch_size=1)
processor.on_end(ended(1))
assert processor.force_flush(10000)
pid = ctypes.CDLL(None).fork()
if pid == 0:
    for number in range(2, 7):
        processor.on_end(ended(number))
    flushed = processor.force_flush(10000)
    os.write(1, "child {} {} {}\\n".format(flushed, exporter.count, processor.spans_queued).encode())
    os._exit(0)
os.waitpid(pid, 0)
processor.on_end(ended(7))
print("parent", processor.force_flush(10000), exporter.count, processor.spans_queued)
processor.shutdown()
'''
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT / "opentelemetry-api" / "src"), str(ROOT / "opentelemetry-sdk" / "src")]
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = sorted(result.stdout.split("\n"))[1:]
    # The child exported its 5 spans itself (1 already counted in the copied
    # exporter); the parent exported its own 2, unaffected.
    assert lines == ["child True 6 5", "parent True 2 2"], result.stdout + result.stderr


# -- v0.3's names ------------------------------------------------------------------------


def test_v03_export_sends_what_is_queued_through_the_worker_and_returns_when_done():
    exporter = GatedExporter()
    exporter.gate.set()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    try:
        processor.on_end(_ended_span(1))
        processor.on_end(_ended_span(2))
        assert [span.context.span_id for span in processor.queue] == [1, 2]
        processor.export()
        assert [span.context.span_id for span in exporter.exported] == [1, 2]
        assert list(processor.queue) == [] and processor.spans_exported == 2
    finally:
        processor.shutdown()


def test_v03_spans_list_is_the_batch_being_exported_and_empty_between_exports():
    exporter = GatedExporter()
    processor = BatchExportSpanProcessor(exporter, max_export_batch_size=2)
    try:
        assert processor.spans_list == []
        processor.on_end(_ended_span(1))
        processor.on_end(_ended_span(2))
        assert exporter.entered.wait(WAIT)
        assert [span.context.span_id for span in processor.spans_list] == [1, 2]
        exporter.gate.set()
        assert processor.force_flush(WAIT * 1000)
        assert processor.spans_list == []
    finally:
        exporter.gate.set()
        processor.shutdown()


def test_v03_done_worker_thread_and_conditions_describe_the_processor():
    processor = BatchExportSpanProcessor(GatedExporter())
    worker = processor.worker_thread
    assert worker.name == "BatchExportSpanProcessor" and worker.is_alive()
    assert processor.done is False
    assert processor.condition is processor.flush_condition
    assert isinstance(processor.condition, type(threading.Condition()))
    processor.shutdown()
    assert processor.done is True
    assert not worker.is_alive()


def test_v03_worker_called_from_another_thread_warns_and_leaves_the_queue_to_the_worker(caplog):
    exporter = GatedExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    try:
        processor.on_end(_ended_span(1))
        with caplog.at_level(logging.WARNING, logger=bsp_module.__name__):
            processor.worker()  # returns at once: it does not run a second export loop
        assert "worker() runs on the processor's own thread only" in caplog.text
        assert exporter.exported == [] and len(processor.queue) == 1
        assert processor.worker_thread.is_alive()
    finally:
        exporter.gate.set()
        processor.shutdown()
    assert [span.context.span_id for span in exporter.exported] == [1]



# -- the export path ---------------------------------------------------------------------


def test_exports_and_the_exporter_shutdown_run_with_instrumentation_suppressed():
    seen = []

    class SeesSuppression(SpanExporter):
        def export(self, spans):
            seen.append(("export", Context.suppress_instrumentation))
            return SpanExportResult.SUCCESS

        def shutdown(self):
            seen.append(("shutdown", Context.suppress_instrumentation))

    processor = BatchExportSpanProcessor(SeesSuppression())
    processor.on_end(_ended_span(1))
    processor.shutdown()
    assert seen == [("export", True), ("shutdown", True)]
    assert not Context.suppress_instrumentation


def test_an_exporter_that_raises_is_reported_once_per_failure_with_its_traceback(caplog):
    class Raising(SpanExporter):
        def export(self, spans):
            raise OSError("backend down")

        def __repr__(self):
            return "Raising()"

    processor = BatchExportSpanProcessor(Raising())
    with caplog.at_level(logging.WARNING, logger=bsp_module.__name__):
        processor.on_end(_ended_span(1))
        assert processor.force_flush(WAIT * 1000)
    processor.shutdown()
    assert [record.getMessage() for record in caplog.records] == [
        "Raising() failed to export spans; they are lost"
    ]
    assert str(caplog.records[0].exc_info[1]) == "backend down"
    assert (processor.spans_failed_export, processor.failed_exports) == (1, 1)


@pytest.mark.parametrize("queue_size, first_yield", [(8, 6), (10, 8), (4, 3)])
def test_on_end_yields_the_gil_from_three_quarters_of_the_queue_rounded_up(
    monkeypatch, queue_size, first_yield
):
    yields = []
    monkeypatch.setattr(bsp_module, "_sleep", yields.append)
    exporter = GatedExporter()
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=queue_size, max_export_batch_size=1, schedule_delay_millis=600000
    )
    try:
        processor.on_end(_ended_span(0))
        assert exporter.entered.wait(WAIT)  # the worker holds span 0: the queue is empty
        lengths = []
        for number in range(1, queue_size + 1):
            processor.on_end(_ended_span(number))
            if yields:
                lengths.append(number)
                del yields[:]
        assert lengths == list(range(first_yield, queue_size + 1))
    finally:
        exporter.gate.set()
        processor.shutdown()


def test_a_shut_down_processor_stays_shut_down_when_reset_after_a_fork():
    """``_reset_after_fork`` is what the SDK's fork hook calls in the child (see _fork_safety)."""
    exporter = GatedExporter()
    exporter.gate.set()
    processor = BatchExportSpanProcessor(exporter)
    processor.on_end(_ended_span(1))
    processor.shutdown()
    worker = processor.worker_thread
    processor._reset_after_fork()
    assert processor.worker_thread is worker and not worker.is_alive()
    assert processor.spans_exported == 1
    processor.on_end(_ended_span(2))
    assert processor.spans_dropped_after_shutdown == 1


def test_a_running_processor_works_on_with_the_locks_renewed_after_a_fork():
    """``_renew_locks_after_fork`` is what the SDK's fork hook calls first in the child."""
    exporter = GatedExporter()
    exporter.gate.set()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    processor._renew_locks_after_fork()
    processor.on_end(_ended_span(1))
    assert processor.force_flush(WAIT * 1000)
    processor.shutdown()
    assert [span.context.span_id for span in exporter.exported] == [1]
    assert not processor.worker_thread.is_alive()
