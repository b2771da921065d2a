"""Batchers: what a collection keeps, cumulative or per interval, until it is exported.

At each collection the meter hands the batcher one record per series; the
batcher checkpoints the series' aggregator and merges the checkpoint into
an aggregator of its own, which :meth:`~Batcher.checkpoint_set` hands to the
exporter. A *stateful* batcher keeps its aggregators for the life of the
process, so exporters see cumulative values; a *stateless* one drops them
after each export (:meth:`~Batcher.finished_collection`), so exporters see
what changed in the interval (deltas).

Exactness. A series' checkpoint and its merge happen under the batcher's
lock, so two collections at once cannot take the same measurements twice.
An aggregator the batcher has handed out is never changed again: a
measurement collected during an export goes into a new aggregator, exported
next time. In stateless mode each aggregator is handed out once, and
:meth:`~Batcher.finished_collection` drops only the ones handed out: a delta
collected between :meth:`~Batcher.checkpoint_set` and
:meth:`~Batcher.finished_collection` waits for the next export.
"""

from __future__ import annotations

import abc
import threading
from typing import TYPE_CHECKING, Any, Dict, Sequence, Set, Tuple, Type

# Counter is not used here: v0.3 code imports it from here.
from opentelemetry.metrics import Counter, Gauge, Measure  # noqa: F401
from opentelemetry.util import time_ns

from ..._fork_safety import renew_locks_after_fork, reset_after_fork
from .aggregate import (
    Aggregator,
    CounterAggregator,
    GaugeAggregator,
    MinMaxSumCountAggregator,
)
from .metric_record import MetricRecord

if TYPE_CHECKING:
    from .. import Record

__all__ = ["Batcher", "UngroupedBatcher"]

_Key = Tuple[Any, Any]


class Batcher(abc.ABC):
    """Keeps the checkpoints of a meter's series between collection and export.

    :param stateful: ``True`` to keep cumulative values for the life of the
        process, ``False`` for the values of each interval only.
    :param measure_boundaries: Histogram bucket upper bounds for measures
        (keyword only; none by default: measures then keep only minimum,
        maximum, sum and count).
    """

    def __init__(self, stateful: bool, *, measure_boundaries: Sequence[float] = ()) -> None:
        #: Cumulative (``True``) or per interval (``False``).
        self.stateful = stateful
        self.measure_boundaries = tuple(measure_boundaries)
        self._batch_map: Dict[_Key, Aggregator] = {}
        # Keys whose aggregator is in an export, so no longer changed.
        self._handed_out: Set[_Key] = set()
        self._lock = threading.Lock()
        self._created = time_ns()
        self._interval_start = self._created
        renew_locks_after_fork(self)
        reset_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.Lock()

    def _reset_after_fork(self) -> None:
        # What the batcher holds is the parent's to export.
        self._batch_map = {}
        self._handed_out = set()
        self._created = self._interval_start = time_ns()

    def aggregator_for(self, metric_type: Type[Any]) -> Aggregator:
        """A new aggregator for a metric of class ``metric_type``.

        Counters get the sum, gauges the last value, measures minimum,
        maximum, sum and count; anything else the sum, as in v0.3.
        """
        if issubclass(metric_type, Gauge):
            return GaugeAggregator()
        if issubclass(metric_type, Measure):
            return MinMaxSumCountAggregator(self.measure_boundaries)
        return CounterAggregator()

    def checkpoint_set(self) -> Sequence[MetricRecord]:
        """The records to export: one per series collected.

        Stateless, each record is handed out once: a second call before
        :meth:`finished_collection` returns only what was collected since.
        """
        now = time_ns()
        with self._lock:
            if self.stateful:
                items = list(self._batch_map.items())
                start = self._created
            else:
                items = [
                    item for item in self._batch_map.items() if item[0] not in self._handed_out
                ]
                start = self._interval_start
                self._interval_start = now
            self._handed_out.update(key for key, _ in items)
        return [
            MetricRecord(aggregator, label_set, metric, start, now)
            for (metric, label_set), aggregator in items
        ]

    def finished_collection(self) -> None:
        """After an export: a stateless batcher forgets what it handed out."""
        if self.stateful:
            return
        with self._lock:
            for key in self._handed_out:
                del self._batch_map[key]
            self._handed_out.clear()

    @abc.abstractmethod
    def process(self, record: Record) -> None:
        """Checkpoint the record's aggregator and keep the result for export."""


class UngroupedBatcher(Batcher):
    """Keeps one aggregator per series (metric and label set), nothing grouped."""

    def process(self, record: Record) -> None:
        """Checkpoint the record's aggregator and merge it into the series' own."""
        key = (record.metric, record.label_set)
        fresh = None
        while True:
            with self._lock:
                kept = self._batch_map.get(key)
                if kept is not None and key not in self._handed_out:
                    # Checkpoint and merge under one lock: a concurrent
                    # collection cannot take the same checkpoint.
                    record.aggregator.take_checkpoint()
                    kept.merge(record.aggregator)
                    return
                if fresh is not None:
                    if kept is not None and self.stateful:
                        fresh.merge(kept)  # carry the cumulative value on
                    record.aggregator.take_checkpoint()
                    fresh.merge(record.aggregator)
                    self._batch_map[key] = fresh
                    self._handed_out.discard(key)
                    return
            # Outside the lock: aggregator_for may be a subclass's code.
            fresh = self.aggregator_for(type(record.metric))
