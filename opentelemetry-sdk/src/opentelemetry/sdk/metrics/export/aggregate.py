"""Aggregators: how the measurements of one series are combined between collections.

Each handle owns one aggregator. The application's threads call
:meth:`~Aggregator.update`; a collection calls
:meth:`~Aggregator.take_checkpoint`, which moves what was gathered since the
last collection into ``checkpoint``, and the batcher :meth:`~Aggregator.merge`\\ s
checkpoints into its own aggregators. Each aggregator guards its state with
its own lock, so an update and a checkpoint never interleave: no measurement
is lost or counted twice, whatever the threads do.

The three aggregations (v0.3 summed everything; this goes further, and a
counter's ``checkpoint`` is still its sum):

* :class:`CounterAggregator`: the sum;
* :class:`GaugeAggregator`: the last value and when it was set;
* :class:`MinMaxSumCountAggregator`: the minimum, maximum, sum and count, and
  optionally a histogram over explicit bucket boundaries.
"""

from __future__ import annotations

import abc
import bisect
import threading
from typing import Any, NamedTuple, Optional, Sequence, Tuple

from opentelemetry.util import time_ns

from ..._fork_safety import renew_locks_after_fork

__all__ = [
    "Aggregator",
    "CounterAggregator",
    "Distribution",
    "GaugeAggregator",
    "MinMaxSumCountAggregator",
]

class Aggregator(abc.ABC):
    """Combines the measurements of one series.

    ``current`` holds what was gathered since the last checkpoint,
    ``checkpoint`` what the last :meth:`take_checkpoint` moved out of it.
    Subclasses hold ``_lock`` while they touch either.
    """

    def __init__(self) -> None:
        self.current: Any = None
        self.checkpoint: Any = None
        self._lock = threading.Lock()
        renew_locks_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.Lock()

    @abc.abstractmethod
    def update(self, value: Any) -> None:
        """Take one measurement into ``current``."""

    @abc.abstractmethod
    def take_checkpoint(self) -> None:
        """Move ``current`` into ``checkpoint``, atomically with respect to :meth:`update`."""

    @abc.abstractmethod
    def merge(self, other: Any) -> None:
        """Combine ``other``'s checkpoint into this one's checkpoint."""


class CounterAggregator(Aggregator):
    """The sum of the values added since the last checkpoint; ``checkpoint`` is that sum."""

    def __init__(self) -> None:
        super().__init__()
        self.current = 0
        self.checkpoint = 0

    def update(self, value: Any) -> None:
        """Add ``value``."""
        # A lock, not the GIL: ``+=`` on an attribute is a read, an add and a
        # write, which another thread may interleave (and free-threaded
        # Python surely will). About 60 ns; benchmark scenario m.
        with self._lock:
            self.current += value

    def take_checkpoint(self) -> None:
        """The sum so far becomes the checkpoint; counting restarts from zero."""
        with self._lock:
            self.checkpoint = self.current
            self.current = 0

    def merge(self, other: Any) -> None:
        """Add ``other``'s checkpoint to this one."""
        with self._lock:
            self.checkpoint += other.checkpoint


class GaugeAggregator(Aggregator):
    """The last value set and its time (``None`` and 0 until the first).

    A checkpoint does not reset the value: a gauge keeps its value until it
    is set again. Merging keeps the later of two values.
    """

    def __init__(self) -> None:
        super().__init__()
        #: When ``current`` was set, in nanoseconds since the epoch.
        self.timestamp = 0
        #: When ``checkpoint`` was set, in nanoseconds since the epoch.
        self.checkpoint_timestamp = 0

    def update(self, value: Any) -> None:
        """Make ``value`` the gauge's value, as of now."""
        now = time_ns()
        with self._lock:
            self.current = value
            self.timestamp = now

    def update_if_not_below(self, value: Any) -> bool:
        """Set ``value`` unless it is below the last value; whether it was set.

        The comparison and the update happen under one lock, so concurrent
        sets of a monotonic gauge can never make it go down.
        """
        now = time_ns()
        with self._lock:
            if self.current is not None and value < self.current:
                return False
            self.current = value
            self.timestamp = now
        return True

    def take_checkpoint(self) -> None:
        """The last value and its time become the checkpoint."""
        with self._lock:
            self.checkpoint = self.current
            self.checkpoint_timestamp = self.timestamp

    def merge(self, other: Any) -> None:
        """Keep ``other``'s checkpoint if it was set no earlier than this one's."""
        value = other.checkpoint
        timestamp = getattr(other, "checkpoint_timestamp", 0)
        if value is None:
            return
        with self._lock:
            if self.checkpoint is None or timestamp >= self.checkpoint_timestamp:
                self.checkpoint = value
                self.checkpoint_timestamp = timestamp


class Distribution(NamedTuple):
    """What a measure's values add up to: their extremes, sum, count and histogram."""

    #: The smallest value (``None`` when there is none).
    min: Optional[float]
    #: The largest value (``None`` when there is none).
    max: Optional[float]
    #: The sum of the values.
    sum: float
    #: How many values there are.
    count: int  # type: ignore[assignment]  # shadows tuple.count, on purpose: the OTLP name
    #: How many values fell in each bucket: ``len(boundaries) + 1`` counts,
    #: bucket ``i`` holding values ``boundaries[i-1] < v <= boundaries[i]``;
    #: empty without boundaries.
    bucket_counts: Tuple[int, ...] = ()


class MinMaxSumCountAggregator(Aggregator):
    """The minimum, maximum, sum and count of the values recorded, as a :class:`Distribution`.

    :param boundaries: Upper bounds of histogram buckets, increasing. With
        them, the distribution also counts the values per bucket (the OTLP
        exporter then sends a histogram with these bounds).

    ``current`` and ``checkpoint`` are immutable :class:`Distribution`\\ s:
    an update replaces ``current`` with a new one.
    """

    def __init__(self, boundaries: Sequence[float] = ()) -> None:
        super().__init__()
        #: The histogram's bucket upper bounds, increasing; empty for none.
        self.boundaries: Tuple[float, ...] = tuple(sorted(set(boundaries)))
        self._empty = Distribution(
            None, None, 0, 0, (0,) * (len(self.boundaries) + 1) if self.boundaries else ()
        )
        self.current = self.checkpoint = self._empty

    def update(self, value: Any) -> None:
        """Take ``value`` into the distribution."""
        boundaries = self.boundaries
        with self._lock:
            low, high, total, count, buckets = self.current
            if boundaries:
                index = bisect.bisect_left(boundaries, value)
                buckets = buckets[:index] + (buckets[index] + 1,) + buckets[index + 1 :]
            self.current = Distribution(
                value if low is None or value < low else low,
                value if high is None or value > high else high,
                total + value,
                count + 1,
                buckets,
            )

    def take_checkpoint(self) -> None:
        """The distribution so far becomes the checkpoint; a new one starts empty."""
        with self._lock:
            self.checkpoint = self.current
            self.current = self._empty

    def merge(self, other: Any) -> None:
        """Combine ``other``'s checkpoint with this one's, as if all values were recorded here."""
        theirs = other.checkpoint
        if not isinstance(theirs, Distribution) or not theirs.count:
            return
        with self._lock:
            self.checkpoint = _combined(self.checkpoint, theirs)


def _combined(ours: Distribution, theirs: Distribution) -> Distribution:
    if not ours.count:
        return theirs
    assert ours.min is not None and ours.max is not None  # a count means values
    assert theirs.min is not None and theirs.max is not None
    if len(ours.bucket_counts) == len(theirs.bucket_counts):
        buckets = tuple(a + b for a, b in zip(ours.bucket_counts, theirs.bucket_counts))
    else:  # different boundaries cannot be combined: the histogram is dropped
        buckets = ()
    return Distribution(
        min(ours.min, theirs.min),
        max(ours.max, theirs.max),
        ours.sum + theirs.sum,
        ours.count + theirs.count,
        buckets,
    )
