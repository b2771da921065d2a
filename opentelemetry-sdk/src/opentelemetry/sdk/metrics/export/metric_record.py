"""The unit a batcher hands to exporters: one series' aggregated value."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .. import LabelSet, Metric
    from .aggregate import Aggregator

__all__ = ["MetricRecord"]


class MetricRecord:
    """One series (a metric and a label set) and the aggregator holding its checkpoint.

    Exporters read ``aggregator.checkpoint``; the batcher never changes an
    aggregator after handing it out, so the values stay put during an export.

    :param start_time_unix_nano: Where the aggregated interval starts: the
        previous collection for deltas, the batcher's creation for cumulative
        values. 0 when unknown.
    :param time_unix_nano: When the interval ends: the collection.
    """

    __slots__ = ("aggregator", "label_set", "metric", "start_time_unix_nano", "time_unix_nano")

    def __init__(
        self,
        aggregator: Aggregator,
        label_set: LabelSet,
        metric: Metric,
        start_time_unix_nano: int = 0,
        time_unix_nano: int = 0,
    ) -> None:
        self.aggregator = aggregator
        self.label_set = label_set
        self.metric = metric
        self.start_time_unix_nano = start_time_unix_nano
        self.time_unix_nano = time_unix_nano

    def __repr__(self) -> str:
        return "MetricRecord(metric={!r}, labels={!r}, value={!r})".format(
            self.metric,
            getattr(self.label_set, "labels", self.label_set),
            self.aggregator.checkpoint,
        )
