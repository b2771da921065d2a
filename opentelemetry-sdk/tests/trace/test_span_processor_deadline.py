"""The processor chain's force_flush shares one deadline among its processors, on a fake clock."""

import inspect
import logging
import os
import types

import pytest

from opentelemetry.sdk.trace import span_processor as span_processor_module
from opentelemetry.sdk.trace.span_processor import MultiSpanProcessor, SpanProcessor


class _Clock:
    def __init__(self):
        # Zero, so deadline arithmetic in milliseconds is exact: 30.001 s is 30001 ms.
        self.now = 0.0

    def monotonic(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = _Clock()
    fake_time = types.SimpleNamespace(**vars(span_processor_module.time))
    fake_time.monotonic = fake.monotonic
    monkeypatch.setattr(span_processor_module, "time", fake_time)
    return fake


class _SlowFlusher(SpanProcessor):
    """Takes ``seconds`` of the fake clock to flush; records the budget it was given."""

    def __init__(self, clock, seconds, result=True):
        self.clock = clock
        self.seconds = seconds
        self.result = result
        self.budgets = []

    def force_flush(self, timeout_millis=30000):
        self.budgets.append(timeout_millis)
        self.clock.now += self.seconds
        return self.result


def test_each_processor_gets_what_is_left_of_the_deadline_in_milliseconds(clock):
    chain = MultiSpanProcessor()
    first, second, third = [_SlowFlusher(clock, seconds) for seconds in (0.25, 1.0, 0)]
    for processor in (first, second, third):
        chain.add_span_processor(processor)

    assert chain.force_flush(1000) is True

    assert (first.budgets, second.budgets, third.budgets) == ([1000], [750], [0])
    assert all(type(budget) is int for budget in first.budgets + second.budgets + third.budgets)


def test_one_processor_that_does_not_flush_in_time_makes_the_chain_report_false(clock):
    chain = MultiSpanProcessor()
    late, fine = _SlowFlusher(clock, 0, result=False), _SlowFlusher(clock, 0)
    chain.add_span_processor(late)
    chain.add_span_processor(fine)
    assert chain.force_flush(100) is False
    assert fine.budgets == [100]  # the others still flush


def test_force_flush_waits_30_seconds_unless_told_otherwise(clock):
    chain = MultiSpanProcessor()
    flusher = _SlowFlusher(clock, 0)
    chain.add_span_processor(flusher)
    chain.force_flush()
    assert flusher.budgets == [30000]
    for cls in (SpanProcessor, MultiSpanProcessor):
        assert inspect.signature(cls.force_flush).parameters["timeout_millis"].default == 30000


def test_a_timeout_that_is_not_a_number_is_logged_and_30_seconds_used(clock, caplog):
    chain = MultiSpanProcessor()
    flusher = _SlowFlusher(clock, 0)
    chain.add_span_processor(flusher)
    with caplog.at_level(logging.WARNING):
        chain.force_flush("soon")
    assert flusher.budgets == [30000]
    [record] = caplog.records
    assert record.getMessage().startswith("force_flush timeout of type str ")


def test_a_processor_without_force_flush_is_skipped_and_the_next_still_flushes(clock):
    class WithoutFlush:
        def on_start(self, span):
            """Nothing to do."""

        def on_end(self, span):
            """Nothing to do."""

    chain = MultiSpanProcessor()
    flusher = _SlowFlusher(clock, 0)
    chain.add_span_processor(WithoutFlush())
    chain.add_span_processor(flusher)
    assert chain.force_flush(1234) is True
    assert flusher.budgets == [1234]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_processors_can_be_added_in_a_forked_child():
    chain = MultiSpanProcessor()
    chain.add_span_processor(SpanProcessor())
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code, skip pytest's teardown
        code = 1
        try:
            chain.add_span_processor(SpanProcessor())
            code = 0 if chain.force_flush(10) else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
