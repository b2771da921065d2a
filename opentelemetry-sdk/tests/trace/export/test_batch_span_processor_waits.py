"""The batch processor's waits, retries, bounds and fork rules, checked on a fake clock.

Every delay the processor asks for is recorded instead of measured: the
worker's clock moves only when it waits, so a delay read in the wrong unit,
a retry delay that does not double or a cap moved shows up as a wrong number,
never as a slow or flaky test.
"""

import logging
import os
import threading
import time
import types

import pytest

from opentelemetry.util import _error_handler
from opentelemetry.sdk.trace import Span, TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export import batch_span_processor
from opentelemetry.trace import SpanContext

WAIT = 10.0  # seconds: the bound on every real wait for another thread


class FakeClock:
    """A monotonic clock that moves only when the processor waits, by what it asked for."""

    def __init__(self):
        self.now = 1000.0
        #: Every timeout the processor's worker passed to an event wait, in order.
        self.event_waits = []
        #: Every timeout a caller's wait on the processor (flush, shutdown) asked for.
        self.caller_waits = []
        #: Whether each of those waits ended because what it waited for happened.
        self.caller_wait_results = []
        #: When set, waits do not move the clock: no delay ever passes.
        self.frozen = False
        #: Cleared, it holds a new worker at its first reading of the clock.
        self.worker_may_start = threading.Event()
        self.worker_may_start.set()

    def monotonic(self):
        if threading.current_thread().name == "BatchExportSpanProcessor":
            self.worker_may_start.wait(WAIT)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """Processors made in the test read a :class:`FakeClock` and record their waits."""
    fake = FakeClock()

    class ClockedEvent(threading.Event):
        def wait(self, timeout=None):
            if timeout is None:
                return super().wait(WAIT)
            fake.event_waits.append(timeout)
            # A short real pause keeps an idle worker from spinning the CPU.
            if super().wait(0.001):
                return True
            if not fake.frozen:
                fake.now += timeout
            return self.is_set()

    class RecordedCondition(threading.Condition):
        def wait_for(self, predicate, timeout=None):
            fake.caller_waits.append(timeout)
            satisfied = super().wait_for(predicate, timeout)
            fake.caller_wait_results.append(satisfied)
            return satisfied

    class RecordedThread(threading.Thread):
        def join(self, timeout=None):
            fake.caller_waits.append(timeout)
            super().join(timeout)

    fake_threading = types.SimpleNamespace(**vars(threading))
    fake_threading.Event = ClockedEvent
    fake_threading.Condition = RecordedCondition
    fake_threading.Thread = RecordedThread
    fake_time = types.SimpleNamespace(**vars(time))
    fake_time.monotonic = fake.monotonic
    monkeypatch.setattr(batch_span_processor, "threading", fake_threading)
    monkeypatch.setattr(batch_span_processor, "time", fake_time)
    return fake


@pytest.fixture(autouse=True)
def fresh_error_reports(monkeypatch):
    """Each test sees its own failures logged: the reports are rate-limited per message."""
    monkeypatch.setattr(_error_handler, "_last_logged", {})


class ScriptedExporter(SpanExporter):
    """Answers from a script, then SUCCESS; notes how many clock waits preceded each call."""

    def __init__(self, clock=None, results=(), gate=None):
        self.clock = clock
        self.results = list(results)
        self.gate = gate
        self.waits_before_call = []
        self.exported = []
        self.entered = threading.Event()

    def export(self, spans):
        if self.clock is not None:
            self.waits_before_call.append(len(self.clock.event_waits))
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(WAIT)
        result = self.results.pop(0) if self.results else SpanExportResult.SUCCESS
        if result is SpanExportResult.SUCCESS:
            self.exported.extend(spans)
        return result

    def shutdown(self):
        """Nothing to release."""


def _ended_span(number=1):
    span = Span("span-{}".format(number), SpanContext(number, number))
    span.start(start_time=1)
    span.end(end_time=2)
    return span


def _wait_until(condition):
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


# -- the schedule delay ---------------------------------------------------


@pytest.mark.parametrize("delay_millis, seconds", [(2500, 2.5), (1, 0.001)])
def test_idle_worker_sleeps_the_schedule_delay_given_in_milliseconds(clock, delay_millis, seconds):
    processor = BatchExportSpanProcessor(ScriptedExporter(), schedule_delay_millis=delay_millis)
    try:
        assert _wait_until(lambda: clock.event_waits)
        assert clock.event_waits[0] == pytest.approx(seconds, rel=1e-6)
    finally:
        processor.shutdown()


def test_idle_worker_sleeps_one_schedule_delay_after_another(clock):
    processor = BatchExportSpanProcessor(ScriptedExporter(), schedule_delay_millis=2500)
    try:
        assert _wait_until(lambda: len(clock.event_waits) >= 4)
        assert clock.event_waits[:4] == [2.5] * 4
    finally:
        processor.shutdown()


def _waits_after(clock, action, count=2):
    """Run ``action``, then return once the worker has waited ``count`` more times.

    Two more waits: the worker looked at the queue at least once after ``action``.
    """
    before = len(clock.event_waits)
    action()
    return _wait_until(lambda: len(clock.event_waits) >= before + count)


def test_a_partial_batch_waits_for_the_schedule_delay_first_and_after_an_export(clock):
    clock.frozen = True  # the delay never passes
    gate = threading.Event()
    exporter = ScriptedExporter(gate=gate)
    processor = BatchExportSpanProcessor(
        exporter, schedule_delay_millis=2500, max_export_batch_size=2
    )
    try:
        assert _waits_after(clock, lambda: processor.on_end(_ended_span(1)))
        assert not exporter.entered.is_set()  # one span of two: it waits for the delay

        processor.on_end(_ended_span(2))  # a full batch goes out at once
        assert exporter.entered.wait(WAIT)
        processor.on_end(_ended_span(3))  # queued while the export runs
        assert _waits_after(clock, gate.set)
        assert [span.context.span_id for span in exporter.exported] == [1, 2]
        assert processor.spans_queued == 3 and len(processor.queue) == 1
    finally:
        gate.set()
        processor.shutdown()
    assert [span.context.span_id for span in exporter.exported] == [1, 2, 3]


def test_a_span_queued_before_the_worker_starts_waits_for_the_schedule_delay(clock):
    clock.frozen = True  # the delay never passes
    clock.worker_may_start.clear()
    exporter = ScriptedExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=2500)
    try:
        processor.on_end(_ended_span(1))
        assert _waits_after(clock, clock.worker_may_start.set)
        assert not exporter.entered.is_set()
    finally:
        clock.worker_may_start.set()
        processor.shutdown()
    assert [span.context.span_id for span in exporter.exported] == [1]


def test_partial_batches_keep_going_out_one_schedule_delay_apart(clock, caplog):
    exporter = ScriptedExporter(clock)
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=2500)
    try:
        with caplog.at_level(logging.WARNING):
            for number in (1, 2, 3):
                processor.on_end(_ended_span(number))
                assert _wait_until(lambda: len(exporter.exported) == number)
        assert processor.worker_thread.is_alive()
        assert set(clock.event_waits) == {2.5}
        assert caplog.records == []
    finally:
        processor.shutdown()


# -- how long callers wait ------------------------------------------------


@pytest.mark.parametrize("timeout_millis, seconds", [(250, 0.25), (1, 0.001)])
def test_force_flush_waits_its_timeout_given_in_milliseconds(clock, timeout_millis, seconds):
    gate = threading.Event()
    exporter = ScriptedExporter(gate=gate)
    processor = BatchExportSpanProcessor(exporter)
    try:
        processor.on_end(_ended_span())
        assert processor.force_flush(timeout_millis) is False
        assert clock.caller_waits == [seconds]
    finally:
        gate.set()
        processor.shutdown()


def test_force_flush_asks_for_v03s_default_of_30_seconds(clock, caplog):
    processor = BatchExportSpanProcessor(ScriptedExporter())
    try:
        with caplog.at_level(logging.WARNING):
            assert processor.force_flush() is True  # nothing queued: the wait ends at once
            assert processor.force_flush("soon") is True  # type: ignore[arg-type]
        assert clock.caller_waits == [30.0, 30.0]
        assert "force_flush timeout of type str is not a number" in caplog.text
    finally:
        processor.shutdown()


def test_a_flush_that_finishes_in_time_logs_nothing(clock, caplog):
    processor = BatchExportSpanProcessor(ScriptedExporter())
    try:
        processor.on_end(_ended_span())
        with caplog.at_level(logging.WARNING):
            assert processor.force_flush(1000) is True
            assert processor.force_flush(1000) is True  # nothing pending
        assert caplog.records == []
    finally:
        processor.shutdown()


def test_force_flush_with_a_negative_timeout_does_not_wait(clock):
    gate = threading.Event()
    processor = BatchExportSpanProcessor(ScriptedExporter(gate=gate))
    try:
        processor.on_end(_ended_span())
        assert processor.force_flush(-5) is False
        assert clock.caller_waits == [0]
    finally:
        gate.set()
        processor.shutdown()


def test_v03_export_waits_at_most_the_export_timeout(clock, caplog):
    gate = threading.Event()
    processor = BatchExportSpanProcessor(ScriptedExporter(gate=gate), export_timeout_millis=150)
    try:
        processor.on_end(_ended_span())
        with caplog.at_level(logging.WARNING):
            processor.export()
        assert clock.caller_waits == [0.15]
        assert "timed out after 150 ms; 1 spans not yet exported" in caplog.text
    finally:
        gate.set()
        processor.shutdown()


def test_shutdown_waits_for_the_worker_export_timeout_given_in_milliseconds(clock):
    processor = BatchExportSpanProcessor(ScriptedExporter(), export_timeout_millis=1500)
    processor.shutdown()
    assert clock.caller_waits == [1.5]


def test_flush_after_shutdown_stops_waiting_once_the_worker_is_done(clock, caplog):
    """A late ``on_end`` puts its span in the queue for a moment, then takes it back out.

    A flush that counts the span in that moment can never see it exported:
    the worker, done after its final drain, is what ends the flush's wait.
    """
    processor = BatchExportSpanProcessor(ScriptedExporter())
    processor.shutdown()
    processor._queue.append(_ended_span())  # the moment before the late span is taken back
    with caplog.at_level(logging.WARNING):
        assert processor.force_flush(200) is False
    assert clock.caller_wait_results == [True]  # ended by the worker's state, not the timeout


def test_flush_after_giving_up_on_a_hung_worker_stops_waiting_at_once(clock, caplog):
    gate = threading.Event()
    exporter = ScriptedExporter(gate=gate)
    processor = BatchExportSpanProcessor(exporter, export_timeout_millis=100)
    try:
        processor.on_end(_ended_span(1))
        assert exporter.entered.wait(WAIT)  # the worker hangs in export
        with caplog.at_level(logging.WARNING):
            processor.shutdown()
        assert "did not finish within 100 ms; 1 spans lost" in caplog.text
        assert processor.spans_list == []  # v0.3's view of the batch: given up, none
        processor._queue.append(_ended_span(2))  # the moment before a late span is taken back
        del clock.caller_wait_results[:]
        assert processor.force_flush(200) is False
        assert clock.caller_wait_results == [True]  # ended by giving up, not by the timeout
    finally:
        gate.set()


def test_spans_lost_to_a_hung_worker_add_to_earlier_failures(clock, caplog):
    gate = threading.Event()
    exporter = ScriptedExporter(results=[SpanExportResult.FAILED_NOT_RETRYABLE])
    processor = BatchExportSpanProcessor(exporter, export_timeout_millis=100, max_export_batch_size=2)
    try:
        processor.on_end(_ended_span(1))
        processor.on_end(_ended_span(2))
        assert _wait_until(lambda: processor.spans_failed_export == 2)
        exporter.gate = gate
        exporter.entered.clear()
        processor.on_end(_ended_span(3))
        processor.on_end(_ended_span(4))
        assert exporter.entered.wait(WAIT)  # the worker hangs exporting 3 and 4
        processor.on_end(_ended_span(5))
        with caplog.at_level(logging.WARNING):
            processor.shutdown()
        assert processor.spans_failed_export == 2 + 3
        assert processor.failed_exports == 1
    finally:
        gate.set()


# -- the queue bound ------------------------------------------------------


def test_batch_as_large_as_the_queue_is_accepted_and_one_larger_is_not():
    processor = BatchExportSpanProcessor(
        ScriptedExporter(), max_queue_size=8, max_export_batch_size=8
    )
    processor.shutdown()
    assert processor.max_export_batch_size == processor.max_queue_size == 8
    with pytest.raises(ValueError, match="must not exceed max_queue_size"):
        BatchExportSpanProcessor(ScriptedExporter(), max_queue_size=8, max_export_batch_size=9)


@pytest.mark.parametrize("option", ["schedule_delay_millis", "export_timeout_millis"])
def test_one_millisecond_is_the_shortest_interval_accepted(option):
    processor = BatchExportSpanProcessor(ScriptedExporter(), **{option: 1})
    processor.shutdown()
    with pytest.raises(ValueError, match=option):
        BatchExportSpanProcessor(ScriptedExporter(), **{option: 0})


def test_queue_holds_exactly_max_queue_size_spans_and_drops_the_next_with_a_log(caplog):
    gate = threading.Event()
    exporter = ScriptedExporter(gate=gate)
    processor = BatchExportSpanProcessor(exporter, max_queue_size=3, max_export_batch_size=1)
    try:
        processor.on_end(_ended_span(1))
        assert exporter.entered.wait(WAIT)  # the worker holds span 1, the queue is empty
        with caplog.at_level(logging.WARNING):
            for number in range(2, 5):
                processor.on_end(_ended_span(number))
            assert processor.spans_dropped_queue_full == 0
            processor.on_end(_ended_span(5))
            assert processor.spans_dropped_queue_full == 1
            gate.set()
            assert processor.force_flush(int(WAIT * 1000))
        assert sorted(span.context.span_id for span in exporter.exported) == [1, 2, 3, 4]
        assert "the export queue is full (3 spans); dropped so far: 1" in caplog.text
    finally:
        gate.set()
        processor.shutdown()


# -- fork -----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_processor_shut_down_before_a_fork_stays_shut_down_in_the_child():
    exporter = ScriptedExporter()
    processor = BatchExportSpanProcessor(exporter)
    processor.shutdown()

    pid = os.fork()
    if pid == 0:  # the child: report through the exit code, skip pytest's teardown
        code = 1
        try:
            logging.disable(logging.WARNING)
            processor.on_end(_ended_span())
            dropped = processor.spans_dropped_after_shutdown
            # This processor's worker only: other tests' processors still
            # running start workers of their own in the child.
            alive = processor.worker_thread.is_alive()
            code = 0 if dropped == 1 and not alive and not exporter.exported else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_tracer_source_shutdown_reaches_the_batch_processor():
    exporter = ScriptedExporter()
    source = TracerSource(shutdown_on_exit=False)
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=600000)
    source.add_span_processor(processor)
    source.get_tracer(__name__).start_span("queued").end()
    source.shutdown()
    assert [span.name for span in exporter.exported] == ["queued"]


# -- configuration messages, the worker thread, text ---------------------------------


@pytest.mark.parametrize(
    "option",
    ["max_queue_size", "schedule_delay_millis", "max_export_batch_size", "export_timeout_millis"],
)
def test_an_invalid_option_is_refused_naming_it_and_the_value(option):
    with pytest.raises(ValueError, match=r"^{} must be a positive .*, not -3$".format(option)):
        BatchExportSpanProcessor(ScriptedExporter(), **{option: -3})


@pytest.mark.parametrize(
    "sizes", [{"max_queue_size": 1, "max_export_batch_size": 1}, {"max_export_batch_size": 1}]
)
def test_one_is_the_smallest_size_accepted(sizes):
    processor = BatchExportSpanProcessor(ScriptedExporter(), **sizes)
    processor.shutdown()
    assert [getattr(processor, option) for option in sizes] == [1] * len(sizes)


def test_a_batch_larger_than_the_queue_is_refused_naming_both():
    with pytest.raises(
        ValueError, match=r"^max_export_batch_size \(9\) must not exceed max_queue_size \(8\)$"
    ):
        BatchExportSpanProcessor(ScriptedExporter(), max_queue_size=8, max_export_batch_size=9)


def test_the_worker_is_a_named_daemon_thread():
    before = set(threading.enumerate())
    processor = BatchExportSpanProcessor(ScriptedExporter())
    try:
        started = [thread for thread in threading.enumerate() if thread not in before]
        assert [(thread.name, thread.daemon) for thread in started] == [
            ("BatchExportSpanProcessor", True)
        ]
    finally:
        processor.shutdown()


def test_the_text_of_a_processor_names_its_class_and_exporter():
    class NamedExporter(ScriptedExporter):
        def __repr__(self):
            return "NamedExporter()"

    processor = BatchExportSpanProcessor(NamedExporter())
    processor.shutdown()
    assert repr(processor) == "BatchExportSpanProcessor(NamedExporter())"
