"""Aggregators: sums, last values and distributions, their checkpoints and merges."""

import itertools
import json
import os
import signal
import sys
import threading

import pytest
from forked_child import read_all

from opentelemetry.sdk.metrics.export import aggregate
from opentelemetry.sdk.metrics.export.aggregate import (
    CounterAggregator,
    Distribution,
    GaugeAggregator,
    MinMaxSumCountAggregator,
)


@pytest.fixture
def clock(monkeypatch):
    """The aggregators' clock, set by the test: ``clock.now`` nanoseconds."""

    class Clock:
        now = 1_000

    monkeypatch.setattr(aggregate, "time_ns", lambda: Clock.now)
    return Clock


def checkpointed(aggregator, *values):
    for value in values:
        aggregator.update(value)
    aggregator.take_checkpoint()
    return aggregator


# Counter


def test_counter_checkpoint_is_the_sum_since_the_last_one():
    counter = checkpointed(CounterAggregator(), 2, -5, 10)
    assert counter.checkpoint == 7
    counter.update(1)
    counter.take_checkpoint()
    assert counter.checkpoint == 1


def test_counter_merge_adds_the_other_checkpoint_not_its_current_sum():
    ours = checkpointed(CounterAggregator(), 2)
    theirs = checkpointed(CounterAggregator(), 3)
    theirs.update(100)  # not checkpointed yet: not merged
    ours.merge(theirs)
    assert ours.checkpoint == 5
    assert theirs.checkpoint == 3


# Gauge


def test_a_new_gauge_has_no_value_and_time_zero():
    gauge = GaugeAggregator()
    assert (gauge.current, gauge.timestamp) == (None, 0)
    assert (gauge.checkpoint, gauge.checkpoint_timestamp) == (None, 0)


def test_gauge_keeps_the_last_value_with_its_time_across_checkpoints(clock):
    gauge = GaugeAggregator()
    gauge.update(3)
    clock.now = 2_000
    gauge.update(-4)
    clock.now = 3_000
    gauge.take_checkpoint()
    assert (gauge.checkpoint, gauge.checkpoint_timestamp) == (-4, 2_000)
    gauge.take_checkpoint()  # not reset: a gauge keeps its value until set again
    assert (gauge.current, gauge.timestamp) == (-4, 2_000)
    assert (gauge.checkpoint, gauge.checkpoint_timestamp) == (-4, 2_000)


def test_monotonic_update_accepts_the_first_value_an_equal_one_and_a_higher_one(clock):
    gauge = GaugeAggregator()
    assert gauge.update_if_not_below(-10) is True
    clock.now = 2_000
    assert gauge.update_if_not_below(-10) is True
    assert (gauge.current, gauge.timestamp) == (-10, 2_000)
    clock.now = 3_000
    assert gauge.update_if_not_below(7) is True
    assert (gauge.current, gauge.timestamp) == (7, 3_000)


def test_monotonic_update_refuses_a_lower_value_and_keeps_value_and_time(clock):
    gauge = GaugeAggregator()
    gauge.update_if_not_below(7)
    clock.now = 2_000
    assert gauge.update_if_not_below(6.999) is False
    assert (gauge.current, gauge.timestamp) == (7, 1_000)


def gauge_at(clock, when, value):
    clock.now = when
    gauge = GaugeAggregator()
    gauge.update(value)
    gauge.take_checkpoint()
    return gauge


@pytest.mark.parametrize(
    "their_time, kept",
    [(1_999, "ours"), (2_000, "theirs"), (2_001, "theirs")],
)
def test_gauge_merge_keeps_the_value_set_last_and_theirs_on_a_tie(clock, their_time, kept):
    ours = gauge_at(clock, 2_000, "ours")
    ours.merge(gauge_at(clock, their_time, "theirs"))
    expected_time = 2_000 if kept == "ours" else their_time
    assert (ours.checkpoint, ours.checkpoint_timestamp) == (kept, expected_time)


def test_gauge_merge_ignores_a_gauge_never_set(clock):
    ours = gauge_at(clock, 2_000, 5)
    ours.merge(GaugeAggregator())
    assert (ours.checkpoint, ours.checkpoint_timestamp) == (5, 2_000)


def test_gauge_merge_into_an_empty_one_takes_the_other_value_and_time(clock):
    ours = GaugeAggregator()
    ours.merge(gauge_at(clock, 2_000, 5))
    assert (ours.checkpoint, ours.checkpoint_timestamp) == (5, 2_000)


def test_gauge_merges_an_aggregator_without_a_time_as_set_at_time_zero(clock):
    timeless = checkpointed(CounterAggregator(), 9)
    empty = GaugeAggregator()
    empty.merge(timeless)
    assert (empty.checkpoint, empty.checkpoint_timestamp) == (9, 0)
    ours = gauge_at(clock, 2_000, 5)
    ours.merge(timeless)  # older than any value set since the epoch
    assert (ours.checkpoint, ours.checkpoint_timestamp) == (5, 2_000)


# Minimum, maximum, sum and count


def test_an_empty_distribution_has_no_extremes_and_counts_nothing():
    assert MinMaxSumCountAggregator().checkpoint == Distribution(None, None, 0, 0, ())
    assert MinMaxSumCountAggregator((1, 2)).current == Distribution(None, None, 0, 0, (0, 0, 0))


def test_distribution_tracks_min_max_sum_and_count_in_any_order():
    for values in itertools.permutations([5, -2, 8, 3]):
        distribution = checkpointed(MinMaxSumCountAggregator(), *values).checkpoint
        assert distribution == Distribution(-2, 8, 14, 4, ())


def test_distribution_of_one_value_has_it_as_both_extremes():
    assert checkpointed(MinMaxSumCountAggregator(), 4.5).checkpoint == Distribution(
        4.5, 4.5, 4.5, 1, ()
    )


def test_distribution_checkpoint_starts_the_next_one_empty():
    aggregator = checkpointed(MinMaxSumCountAggregator((10,)), 1, 20)
    assert aggregator.current == Distribution(None, None, 0, 0, (0, 0))
    aggregator.update(7)
    aggregator.take_checkpoint()
    assert aggregator.checkpoint == Distribution(7, 7, 7, 1, (1, 0))


def test_boundaries_are_sorted_and_each_kept_once():
    assert MinMaxSumCountAggregator((5, 1, 5, 3)).boundaries == (1, 3, 5)


def test_histogram_bucket_holds_values_up_to_and_including_its_bound():
    aggregator = MinMaxSumCountAggregator((0, 10))
    values = [-1, 0, 0.5, 10, 10.5]  # at and just past each bound
    assert checkpointed(aggregator, *values).checkpoint.bucket_counts == (2, 2, 1)


def test_merge_combines_distributions_as_if_recorded_in_one():
    ours = checkpointed(MinMaxSumCountAggregator((5,)), 3, 7)
    theirs = checkpointed(MinMaxSumCountAggregator((5,)), 1, 4, 6)
    ours.merge(theirs)
    assert ours.checkpoint == Distribution(1, 7, 21, 5, (3, 2))
    assert theirs.checkpoint == Distribution(1, 6, 11, 3, (2, 1))


def test_merge_keeps_the_extremes_on_the_side_they_came_from():
    ours = checkpointed(MinMaxSumCountAggregator(), 1, 9)
    ours.merge(checkpointed(MinMaxSumCountAggregator(), 4, 5))
    assert ours.checkpoint == Distribution(1, 9, 19, 4, ())


def test_merge_into_an_empty_distribution_takes_the_other():
    ours = MinMaxSumCountAggregator((5,))
    ours.merge(checkpointed(MinMaxSumCountAggregator((5,)), 2, 8))
    assert ours.checkpoint == Distribution(2, 8, 10, 2, (1, 1))


def test_merge_of_an_empty_distribution_or_not_a_distribution_changes_nothing():
    ours = checkpointed(MinMaxSumCountAggregator((5,)), 2)
    ours.merge(MinMaxSumCountAggregator((5,)))
    ours.merge(checkpointed(CounterAggregator(), 3))
    assert ours.checkpoint == Distribution(2, 2, 2, 1, (1, 0))


def test_merge_of_different_boundaries_keeps_the_rest_and_drops_the_histogram():
    ours = checkpointed(MinMaxSumCountAggregator((5,)), 2)
    ours.merge(checkpointed(MinMaxSumCountAggregator((1, 5)), 3))
    assert ours.checkpoint == Distribution(2, 3, 5, 2, ())


# Checkpoints against updates from other threads


@pytest.fixture
def short_switch_interval():
    """Switch threads often, so that an unguarded read-add-write would be caught."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


@pytest.mark.parametrize(
    "aggregator, total",
    [
        (CounterAggregator, lambda checkpoints: sum(checkpoints)),
        (MinMaxSumCountAggregator, lambda checkpoints: sum(d.sum for d in checkpoints)),
    ],
)
def test_checkpoints_taken_during_updates_lose_and_repeat_nothing(
    aggregator, total, short_switch_interval
):
    subject = aggregator()
    updates = 20_000
    done = threading.Event()
    checkpoints = []

    def update():
        for _ in range(updates):
            subject.update(1)
        done.set()

    thread = threading.Thread(target=update)
    thread.start()
    while not done.is_set():
        subject.take_checkpoint()
        checkpoints.append(subject.checkpoint)
    thread.join(60)
    subject.take_checkpoint()
    checkpoints.append(subject.checkpoint)
    assert not thread.is_alive()
    assert total(checkpoints) == updates


# Fork


class _Blocking:
    """A value whose addition waits: an update holds the aggregator's lock meanwhile."""

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()

    def __radd__(self, other):
        self.entered.set()
        self.release.wait(30)
        return other


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_can_update_an_aggregator_a_parent_thread_was_updating():
    counter = CounterAggregator()
    stuck = _Blocking()
    thread = threading.Thread(target=counter.update, args=(stuck,))
    thread.start()
    try:
        assert stuck.entered.wait(10)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: update in a thread, so a dead lock is seen, not waited on
            try:
                os.close(read_fd)
                child = threading.Thread(target=checkpointed, args=(counter, 4), daemon=True)
                child.start()
                child.join(10)
                report = {"updated": not child.is_alive(), "checkpoint": counter.checkpoint}
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
        stuck.release.set()
        thread.join(10)
    assert report == {"updated": True, "checkpoint": 4}
