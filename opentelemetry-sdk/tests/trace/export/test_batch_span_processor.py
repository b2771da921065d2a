"""The batch processor: batching, flushing, shutdown, failures, load and fork.

Every wait here is bounded; nothing asserts on elapsed time.
"""

import gc
import itertools
import logging
import subprocess
import sys
import textwrap
import threading
import weakref

import pytest

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    SpanExporter,
    SpanExportResult,
)

WAIT = 10.0  # seconds: the bound on every wait for another thread
_names = itertools.count()


class RecordingExporter(SpanExporter):
    """Records the span ids of each export call; answers from a script, then SUCCESS.

    With ``gate`` set, each export waits for the gate to open first.
    """

    def __init__(self, results=(), gate=None):
        self.name = "RecordingExporter-{}".format(next(_names))  # unique in log messages
        self.results = list(results)
        self.gate = gate
        self.calls = []  # span ids passed to each export call
        self.exported_ids = []  # span ids of successful calls
        self.entered = threading.Event()
        self.shutdown_calls = 0
        self._lock = threading.Lock()

    def export(self, spans):
        ids = [span.context.span_id for span in spans]
        with self._lock:
            self.calls.append(ids)
            result = self.results.pop(0) if self.results else SpanExportResult.SUCCESS
        self.entered.set()
        if self.gate is not None:
            self.gate.wait()
        if isinstance(result, Exception):
            raise result
        if result is SpanExportResult.SUCCESS:
            with self._lock:
                self.exported_ids.extend(ids)
        return result

    def shutdown(self):
        self.shutdown_calls += 1

    def __repr__(self):
        return self.name


def _tracer(processor):
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    return source.get_tracer(__name__)


def _end_spans(tracer, count, prefix="s"):
    ids = []
    for i in range(count):
        span = tracer.start_span("{}{}".format(prefix, i))
        span.end()
        ids.append(span.context.span_id)
    return ids


def _wait_until(predicate):
    for _ in range(int(WAIT / 0.01)):
        if predicate():
            return True
        threading.Event().wait(0.01)
    return predicate()


def _assert_every_span_accounted_for(processor, ended):
    assert (
        processor.spans_exported
        + processor.spans_failed_export
        + processor.spans_dropped_queue_full
        + processor.spans_dropped_after_shutdown
        == ended
    )
    assert processor.spans_queued == processor.spans_exported + processor.spans_failed_export


# -- configuration -------------------------------------------------------


def test_defaults_follow_the_specification():
    processor = BatchExportSpanProcessor(RecordingExporter())
    try:
        assert processor.max_queue_size == 2048
        assert processor.schedule_delay_millis == 5000
        assert processor.max_export_batch_size == 512
        assert processor.export_timeout_millis == 30000
    finally:
        processor.shutdown()


@pytest.mark.parametrize(
    "options",
    [
        {"max_queue_size": 0},
        {"max_queue_size": -1},
        {"schedule_delay_millis": 0},
        {"schedule_delay_millis": -5},
        {"max_export_batch_size": 0},
        {"export_timeout_millis": 0},
        {"max_queue_size": 4, "max_export_batch_size": 5},
        {"max_queue_size": "10"},
        {"max_export_batch_size": 1.5},
        {"schedule_delay_millis": True},
    ],
)
def test_invalid_configuration_raises_value_error(options):
    with pytest.raises(ValueError):
        BatchExportSpanProcessor(RecordingExporter(), **options)


# -- batching ------------------------------------------------------------


def test_full_batch_is_exported_without_waiting_for_the_delay():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=8, max_export_batch_size=4, schedule_delay_millis=600000
    )
    ids = _end_spans(_tracer(processor), 4)
    assert exporter.entered.wait(WAIT)
    assert exporter.calls == [ids]
    processor.shutdown()


def test_partial_batch_is_exported_when_the_delay_passes():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=20)
    ids = _end_spans(_tracer(processor), 3)
    assert exporter.entered.wait(WAIT)
    assert _wait_until(lambda: exporter.exported_ids == ids)
    processor.shutdown()


def test_on_end_returns_while_an_export_is_blocked():
    gate = threading.Event()
    exporter = RecordingExporter(gate=gate)
    processor = BatchExportSpanProcessor(exporter, max_queue_size=8, max_export_batch_size=2)
    tracer = _tracer(processor)
    _end_spans(tracer, 2)
    assert exporter.entered.wait(WAIT)

    producer = threading.Thread(target=_end_spans, args=(tracer, 100))
    producer.start()
    producer.join(WAIT)
    assert not producer.is_alive()

    gate.set()
    processor.shutdown()
    _assert_every_span_accounted_for(processor, 102)


def test_queue_filled_exactly_to_capacity_loses_nothing():
    gate = threading.Event()
    exporter = RecordingExporter(gate=gate)
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=8, max_export_batch_size=4, schedule_delay_millis=600000
    )
    tracer = _tracer(processor)
    in_flight = _end_spans(tracer, 4)
    assert exporter.entered.wait(WAIT)  # the worker holds these four, blocked

    queued = _end_spans(tracer, 8)
    assert processor.spans_dropped_queue_full == 0
    assert processor.spans_queued == 12

    _end_spans(tracer, 1)
    assert processor.spans_dropped_queue_full == 1

    gate.set()
    assert processor.force_flush(int(WAIT * 1000))
    assert exporter.exported_ids == in_flight + queued
    processor.shutdown()
    _assert_every_span_accounted_for(processor, 13)


def test_on_end_yields_the_gil_once_the_queue_is_three_quarters_full(monkeypatch):
    from opentelemetry.sdk.trace.export import batch_span_processor

    yields = []
    monkeypatch.setattr(batch_span_processor, "_sleep", yields.append)
    gate = threading.Event()
    exporter = RecordingExporter(gate=gate)
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=8, max_export_batch_size=2, schedule_delay_millis=600000
    )
    tracer = _tracer(processor)
    _end_spans(tracer, 2)
    assert exporter.entered.wait(WAIT)  # the worker holds these two, blocked

    _end_spans(tracer, 5)  # the queue holds 5 of 8: below three quarters
    assert yields == []
    _end_spans(tracer, 3)  # 6, 7 and 8 of 8 each hand the GIL over once
    assert yields == [0, 0, 0]

    gate.set()
    processor.shutdown()
    _assert_every_span_accounted_for(processor, 10)


# -- flush and shutdown --------------------------------------------------


def test_force_flush_exports_everything_queued_before_the_call():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    ids = _end_spans(_tracer(processor), 10)
    assert processor.force_flush(int(WAIT * 1000))
    assert exporter.exported_ids == ids
    assert processor.spans_exported == 10
    processor.shutdown()


def test_force_flush_with_nothing_queued_returns_true():
    processor = BatchExportSpanProcessor(RecordingExporter())
    assert processor.force_flush(0)
    processor.shutdown()
    assert processor.force_flush(0)


def test_force_flush_with_a_bad_timeout_warns_and_uses_the_default(caplog):
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    _end_spans(_tracer(processor), 2)
    with caplog.at_level(logging.WARNING):
        assert processor.force_flush(None)
    assert "not a number" in caplog.text
    assert processor.spans_exported == 2
    processor.shutdown()


def test_force_flush_returns_false_and_warns_when_the_exporter_is_too_slow(caplog):
    gate = threading.Event()
    exporter = RecordingExporter(gate=gate)
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    _end_spans(_tracer(processor), 3)
    with caplog.at_level(logging.WARNING):
        assert processor.force_flush(50) is False
    assert "timed out" in caplog.text
    gate.set()
    assert processor.force_flush(int(WAIT * 1000))
    processor.shutdown()


def test_shutdown_exports_what_is_queued_stops_the_worker_and_shuts_the_exporter_down():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    ids = _end_spans(_tracer(processor), 5)
    processor.shutdown()
    assert exporter.exported_ids == ids
    assert exporter.shutdown_calls == 1
    assert not processor._worker.is_alive()


def test_shutdown_and_force_flush_are_safe_twice_and_from_many_threads():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    _end_spans(_tracer(processor), 50)
    callers = [
        threading.Thread(target=method)
        for method in (processor.shutdown, processor.force_flush) * 4
    ]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(WAIT)
        assert not caller.is_alive()
    processor.shutdown()
    assert exporter.shutdown_calls == 1
    assert processor.spans_exported == 50


def test_spans_ended_after_shutdown_are_dropped_counted_and_warned_once(caplog):
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter)
    tracer = _tracer(processor)
    _end_spans(tracer, 2)
    processor.shutdown()
    with caplog.at_level(logging.WARNING):
        _end_spans(tracer, 5)
    assert processor.spans_dropped_after_shutdown == 5
    assert processor.spans_exported == 2
    assert len([r for r in caplog.records if "shut down" in r.getMessage()]) == 1
    _assert_every_span_accounted_for(processor, 7)


def test_spans_ending_while_shutdown_runs_are_each_counted_once():
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, max_queue_size=64, max_export_batch_size=8)
    tracer = _tracer(processor)
    per_thread = 5000
    start = threading.Barrier(5)

    def produce():
        start.wait(WAIT)
        _end_spans(tracer, per_thread)

    producers = [threading.Thread(target=produce) for _ in range(4)]
    for producer in producers:
        producer.start()
    start.wait(WAIT)
    processor.shutdown()
    for producer in producers:
        producer.join(WAIT)
    _assert_every_span_accounted_for(processor, 4 * per_thread)
    assert len(exporter.exported_ids) == len(set(exporter.exported_ids))
    assert len(exporter.exported_ids) == processor.spans_exported


def test_processor_is_not_kept_alive_after_shutdown():
    processor = BatchExportSpanProcessor(RecordingExporter())
    processor.shutdown()
    reference = weakref.ref(processor)
    del processor
    gc.collect()
    assert reference() is None


def test_force_flush_from_within_an_export_does_not_deadlock(caplog):
    results = []

    class FlushingExporter(RecordingExporter):
        def export(self, spans):
            results.append(processor.force_flush(int(WAIT * 1000)))
            return super().export(spans)

    exporter = FlushingExporter()
    processor = BatchExportSpanProcessor(exporter)
    _end_spans(_tracer(processor), 1)
    with caplog.at_level(logging.WARNING):
        assert processor.force_flush(int(WAIT * 1000))
    assert results == [False]
    processor.shutdown()


# -- exporter failures ---------------------------------------------------


def test_exporter_that_raises_is_reported_and_its_spans_counted(caplog):
    exporter = RecordingExporter(results=[OSError("backend down")] * 3)
    processor = BatchExportSpanProcessor(exporter, max_export_batch_size=2)
    tracer = _tracer(processor)
    with caplog.at_level(logging.ERROR):
        _end_spans(tracer, 6)
        assert processor.force_flush(int(WAIT * 1000))
    assert processor.spans_failed_export == 6
    assert processor.failed_exports == 3
    assert processor.spans_exported == 0
    assert "backend down" in caplog.text

    later = _end_spans(tracer, 2)  # the worker survived
    assert processor.force_flush(int(WAIT * 1000))
    assert exporter.exported_ids == later
    processor.shutdown()
    _assert_every_span_accounted_for(processor, 8)


def test_not_retryable_failure_is_not_retried():
    exporter = RecordingExporter(results=[SpanExportResult.FAILED_NOT_RETRYABLE])
    processor = BatchExportSpanProcessor(exporter)
    _end_spans(_tracer(processor), 3)
    assert processor.force_flush(int(WAIT * 1000))
    assert len(exporter.calls) == 1
    assert processor.spans_failed_export == 3
    assert processor.failed_exports == 1
    processor.shutdown()


def test_retryable_failure_is_not_retried_by_the_processor_the_exporter_owns_retrying():
    retryable = SpanExportResult.FAILED_RETRYABLE
    exporter = RecordingExporter(results=[retryable])
    processor = BatchExportSpanProcessor(exporter)
    tracer = _tracer(processor)
    failed = _end_spans(tracer, 3)
    assert processor.force_flush(int(WAIT * 1000))
    assert exporter.calls == [failed]
    assert processor.failed_exports == 1
    assert processor.spans_failed_export == 3
    later = _end_spans(tracer, 2)  # the next batch goes out as usual
    assert processor.force_flush(int(WAIT * 1000))
    assert exporter.exported_ids == later
    processor.shutdown()
    _assert_every_span_accounted_for(processor, 5)


def test_hanging_exporter_shutdown_returns_within_its_bound(caplog):
    gate = threading.Event()
    exporter = RecordingExporter(gate=gate)
    processor = BatchExportSpanProcessor(
        exporter, max_queue_size=16, max_export_batch_size=4, export_timeout_millis=100
    )
    tracer = _tracer(processor)
    _end_spans(tracer, 4)
    assert exporter.entered.wait(WAIT)  # the worker is now stuck in export
    _end_spans(tracer, 20)  # the application keeps running: 16 queued, 4 dropped

    stopper = threading.Thread(target=processor.shutdown)
    with caplog.at_level(logging.WARNING):
        stopper.start()
        stopper.join(WAIT)
    assert not stopper.is_alive()
    assert "did not finish" in caplog.text
    assert processor.spans_failed_export == 4 + 16
    assert processor.spans_dropped_queue_full == 4
    _assert_every_span_accounted_for(processor, 24)

    gate.set()  # the export returns at last: nothing is counted twice
    assert _wait_until(lambda: exporter.shutdown_calls == 1)
    assert processor.spans_exported == 0
    _assert_every_span_accounted_for(processor, 24)


# -- load ----------------------------------------------------------------


def test_eight_threads_into_a_small_queue_count_every_span_exactly_once():
    threads, per_thread = 8, 50_000
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, max_queue_size=256, max_export_batch_size=64)
    tracer = _tracer(processor)
    start = threading.Barrier(threads)
    ended = [0] * threads

    def produce(index):
        start.wait(WAIT)
        for _ in range(per_thread):
            tracer.start_span("load").end()
            ended[index] += 1

    producers = [threading.Thread(target=produce, args=(i,)) for i in range(threads)]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join(120)
        assert not producer.is_alive()
    processor.shutdown()

    assert sum(ended) == threads * per_thread
    assert processor.spans_exported + processor.spans_dropped_queue_full == threads * per_thread
    assert processor.spans_failed_export == processor.spans_dropped_after_shutdown == 0
    assert len(exporter.exported_ids) == processor.spans_exported
    assert len(set(exporter.exported_ids)) == len(exporter.exported_ids)
    _assert_every_span_accounted_for(processor, threads * per_thread)


# -- processes -----------------------------------------------------------


def _run_python(source):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source)],
        capture_output=True,
        text=True,
        timeout=60,
    )


_PRINTING_EXPORTER = """
    import os, sys, threading
    from opentelemetry.sdk.trace import TracerSource
    from opentelemetry.sdk.trace.export import (
        BatchExportSpanProcessor, SpanExporter, SpanExportResult)

    class PrintingExporter(SpanExporter):
        def export(self, spans):
            for span in spans:
                os.write(1, "{} {}\\n".format(os.getpid(), span.name).encode())
            return SpanExportResult.SUCCESS
"""


def test_interpreter_exit_exports_what_is_queued():
    result = _run_python(
        _PRINTING_EXPORTER
        + """
    source = TracerSource()
    source.add_span_processor(
        BatchExportSpanProcessor(PrintingExporter(), schedule_delay_millis=600000))
    tracer = source.get_tracer("exit")
    for i in range(3):
        tracer.start_span("span{}".format(i)).end()
    """
    )
    assert result.returncode == 0, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["span0", "span1", "span2"]


def test_interpreter_exit_is_bounded_when_the_exporter_hangs():
    result = _run_python(
        _PRINTING_EXPORTER
        + """
    class HangingExporter(SpanExporter):
        def export(self, spans):
            threading.Event().wait()

    import atexit
    # Registered first, so it runs after the tracer source's shutdown.
    atexit.register(lambda: print("failed", processor.spans_failed_export))
    source = TracerSource()
    processor = BatchExportSpanProcessor(
        HangingExporter(), schedule_delay_millis=600000, export_timeout_millis=100)
    source.add_span_processor(processor)
    source.get_tracer("exit").start_span("stuck").end()
    """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["failed", "1"]
    assert "did not finish" in result.stderr


def test_forked_child_exports_only_its_own_spans_and_the_parent_keeps_its_own():
    result = _run_python(
        _PRINTING_EXPORTER
        + """
    source = TracerSource(shutdown_on_exit=False)
    processor = BatchExportSpanProcessor(
        PrintingExporter(), max_queue_size=100000, max_export_batch_size=50)
    source.add_span_processor(processor)
    tracer = source.get_tracer("fork")
    busy = threading.Event()
    stop = threading.Event()

    def produce():
        while not stop.is_set():
            tracer.start_span("parent-busy").end()
            busy.set()

    producer = threading.Thread(target=produce)
    producer.start()
    assert busy.wait(10)
    pid = os.fork()
    if pid == 0:
        for i in range(100):
            tracer.start_span("child").end()
        processor.shutdown()
        os.write(2, "child {} {} {}\\n".format(
            processor.spans_queued, processor.spans_exported,
            processor.spans_dropped_queue_full).encode())
        os._exit(0)
    for i in range(100):
        tracer.start_span("parent").end()
    stop.set()
    producer.join(10)
    _, status = os.waitpid(pid, 0)
    processor.shutdown()
    os.write(2, "parent {} {} {}\\n".format(
        processor.spans_queued, processor.spans_exported,
        processor.spans_dropped_queue_full).encode())
    """
    )
    assert result.returncode == 0, result.stderr
    counts = {}
    for line in result.stderr.splitlines():
        if line.startswith(("parent ", "child ")):
            side, queued, exported, dropped = line.split()
            counts[side] = (int(queued), int(exported), int(dropped))
    parent_pid = None
    names = {}
    for line in result.stdout.splitlines():
        pid, name = line.split()
        names.setdefault(pid, []).append(name)
    assert len(names) == 2
    child_pid = [pid for pid, spans in names.items() if "child" in spans][0]
    parent_pid = [pid for pid in names if pid != child_pid][0]

    # The child exported its own spans, none of the parent's queued ones.
    assert names[child_pid] == ["child"] * 100
    assert counts["child"] == (100, 100, 0)
    # The parent exported its own, busy ones included, and nothing of the child's.
    assert set(names[parent_pid]) == {"parent-busy", "parent"}
    assert names[parent_pid].count("parent") == 100
    queued, exported, dropped = counts["parent"]
    assert queued == exported == len(names[parent_pid]) and dropped == 0


@pytest.mark.parametrize("name", ["schedule_delay_millis", "export_timeout_millis"])
def test_an_interval_too_long_to_wait_is_capped_with_a_warning_and_the_worker_runs(caplog, name):
    exporter = RecordingExporter()
    processor = BatchExportSpanProcessor(exporter, **{name: 10**13})
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    source.get_tracer("t").start_span("s").end()

    assert processor.force_flush(WAIT * 1000) is True
    assert processor._worker.is_alive()
    assert getattr(processor, name) < 10**13
    assert "{}=10000000000000 is too large".format(name) in caplog.text
    source.shutdown()
    assert len(exporter.exported_ids) == 1
