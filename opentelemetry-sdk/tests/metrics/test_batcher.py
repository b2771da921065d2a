"""Batchers: cumulative and delta values, exact across collections and exports."""

import json
import os
import signal
import threading

import pytest
from forked_child import read_all

from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export import MetricRecord
from opentelemetry.sdk.metrics.export.aggregate import Aggregator, CounterAggregator
from opentelemetry.util import time_ns


def make(stateful):
    meter = metrics.Meter(metrics.UngroupedBatcher(stateful))
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    return meter, counter.get_handle(metrics.EMPTY_LABEL_SET)


def export(meter):
    """One controller tick, returning the exported counter values."""
    meter.collect()
    records = meter.batcher.checkpoint_set()
    exported = [record.aggregator.checkpoint for record in records]
    meter.batcher.finished_collection()
    return exported


def test_stateful_batcher_exports_cumulative_sums():
    meter, handle = make(True)
    handle.add(2)
    assert export(meter) == [2]
    handle.add(3)
    assert export(meter) == [5]
    assert export(meter) == [5]


def test_stateless_batcher_exports_the_delta_of_each_interval():
    meter, handle = make(False)
    handle.add(2)
    assert export(meter) == [2]
    handle.add(3)
    assert export(meter) == [3]
    assert export(meter) == [0]


@pytest.mark.parametrize("stateful", [True, False])
def test_two_collections_before_an_export_count_everything_once(stateful):
    meter, handle = make(stateful)
    handle.add(2)
    meter.collect()
    handle.add(3)
    meter.collect()
    assert export(meter) == [5]


def test_stateless_collection_between_checkpoint_set_and_finish_waits_for_next_export():
    meter, handle = make(False)
    handle.add(2)
    meter.collect()
    records = meter.batcher.checkpoint_set()
    handle.add(3)
    meter.collect()  # during the export of the first records
    assert [r.aggregator.checkpoint for r in records] == [2]  # unchanged by the collection
    meter.batcher.finished_collection()
    assert export(meter) == [3]


def test_stateless_records_are_handed_out_once():
    meter, handle = make(False)
    handle.add(2)
    meter.collect()
    assert [r.aggregator.checkpoint for r in meter.batcher.checkpoint_set()] == [2]
    assert meter.batcher.checkpoint_set() == []


def test_stateful_exported_aggregator_does_not_change_during_a_later_collection():
    meter, handle = make(True)
    handle.add(2)
    meter.collect()
    (record,) = meter.batcher.checkpoint_set()
    handle.add(3)
    meter.collect()
    assert record.aggregator.checkpoint == 2
    assert [r.aggregator.checkpoint for r in meter.batcher.checkpoint_set()] == [5]


def test_records_carry_the_interval_they_cover():
    meter, handle = make(False)
    handle.add(1)
    meter.collect()
    (first,) = meter.batcher.checkpoint_set()
    meter.batcher.finished_collection()
    meter.collect()
    (second,) = meter.batcher.checkpoint_set()
    assert 0 < first.start_time_unix_nano <= first.time_unix_nano
    assert second.start_time_unix_nano == first.time_unix_nano <= second.time_unix_nano


def test_cumulative_records_start_when_the_batcher_was_made():
    meter, handle = make(True)
    handle.add(1)
    first = export_records(meter)
    second = export_records(meter)
    assert first.start_time_unix_nano == second.start_time_unix_nano
    assert first.time_unix_nano <= second.time_unix_nano


def export_records(meter):
    meter.collect()
    (record,) = meter.batcher.checkpoint_set()
    meter.batcher.finished_collection()
    return record


def test_v0_3_counter_aggregator_contract():
    aggregator = CounterAggregator()
    aggregator.update(2)
    aggregator.update(3)
    assert (aggregator.current, aggregator.checkpoint) == (5, 0)
    aggregator.take_checkpoint()
    assert (aggregator.current, aggregator.checkpoint) == (0, 5)
    other = CounterAggregator()
    other.update(4)
    other.take_checkpoint()
    aggregator.merge(other)
    assert aggregator.checkpoint == 9
    assert isinstance(aggregator, Aggregator)


def test_metric_record_keeps_v0_3_positional_order():
    aggregator = CounterAggregator()
    record = MetricRecord(aggregator, metrics.EMPTY_LABEL_SET, "metric")
    assert (record.aggregator, record.label_set, record.metric) == (
        aggregator,
        metrics.EMPTY_LABEL_SET,
        "metric",
    )


def test_batcher_is_abstract_and_subclass_can_choose_aggregators():
    with pytest.raises(TypeError):
        metrics.Batcher(True)

    class Doubling(CounterAggregator):
        def update(self, value):
            super().update(2 * value)

    class MyBatcher(metrics.UngroupedBatcher):
        def aggregator_for(self, metric_type):
            return Doubling()

    meter = metrics.Meter(MyBatcher(True))
    meter.create_metric("c", "d", "1", int, metrics.Counter).add(5, metrics.EMPTY_LABEL_SET)
    assert export(meter) == [10]


class _Gate:
    """Makes a checkpoint wait, in this process only: a collection then holds the batcher."""

    def __init__(self):
        self.pid = os.getpid()
        self.entered = threading.Event()
        self.release = threading.Event()


class _GatedCounterAggregator(CounterAggregator):
    gate = None

    def take_checkpoint(self):
        gate = self.gate
        if gate is not None and os.getpid() == gate.pid:
            gate.entered.set()
            gate.release.wait(30)
        super().take_checkpoint()


class _GatedBatcher(metrics.UngroupedBatcher):
    def aggregator_for(self, metric_type):
        return _GatedCounterAggregator()


def _export_in_child(meter, handle):
    handle.add(1)
    meter.collect()
    records = meter.batcher.checkpoint_set()
    meter.batcher.finished_collection()
    return [(r.aggregator.checkpoint, r.start_time_unix_nano) for r in records]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_collects_while_a_parent_collection_held_the_batcher_and_sees_none_of_it():
    meter = metrics.Meter(_GatedBatcher(True))
    handle = meter.create_metric("c", "d", "1", int, metrics.Counter).get_handle(
        metrics.EMPTY_LABEL_SET
    )
    handle.add(5)
    assert export(meter) == [5]  # the parent's cumulative value, kept by its batcher
    handle.add(7)
    gate = _GatedCounterAggregator.gate = _Gate()
    collecting = threading.Thread(target=meter.collect)
    collecting.start()
    try:
        assert gate.entered.wait(10)  # the parent's collection now holds the batcher's lock
        forked_at = time_ns()
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: collect in a thread, so a dead lock is seen, not waited on
            try:
                os.close(read_fd)
                report = {}

                def child_export():
                    try:
                        report["records"] = _export_in_child(meter, handle)
                    except Exception as error:  # reported to the parent, which fails the test
                        report["error"] = repr(error)

                child = threading.Thread(target=child_export, daemon=True)
                child.start()
                child.join(10)
                report["finished"] = not child.is_alive()
                os.write(write_fd, json.dumps(report).encode())
            finally:
                os._exit(0)
        os.close(write_fd)
        try:
            report = json.loads(read_all(read_fd, 30) or b"{}")
        except AssertionError:
            os.kill(pid, signal.SIGKILL)  # so the wait below is bounded too
            raise
        finally:
            os.close(read_fd)
            os.waitpid(pid, 0)
    finally:
        gate.release.set()
        collecting.join(10)
        _GatedCounterAggregator.gate = None
    assert report.get("error") is None and report["finished"]
    ((value, start),) = report["records"]
    assert value == 1  # neither the parent's 5 exported nor its 7 being collected
    assert isinstance(start, int) and start >= forked_at  # cumulative from the fork
    assert export(meter) == [12]  # the parent's own values are still the parent's
