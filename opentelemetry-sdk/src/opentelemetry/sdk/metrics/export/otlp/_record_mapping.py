"""How metric records map onto OTLP: grouping, data kinds, temporality and values.

Both encoders (protobuf and JSON) walk the groups made here, so the two wire
formats cannot disagree on the mapping:

* a :class:`~opentelemetry.metrics.Counter` becomes a ``Sum``, monotonic if
  the counter is, cumulative or delta as its meter's batcher is stateful or
  not;
* a :class:`~opentelemetry.metrics.Gauge` becomes a ``Gauge`` whose point
  carries the time the value was set (a gauge never set has no point);
* a :class:`~opentelemetry.metrics.Measure` becomes a ``Histogram`` with
  count, sum, min and max, and buckets when the batcher has boundaries;
* records of one metric become the points of one OTLP metric, metrics are
  grouped by their meter's resource.
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple, Union

from opentelemetry import metrics as metrics_api

from ....resources import Resource
from ..aggregate import Distribution
from ..metric_record import MetricRecord

__all__ = [
    "CUMULATIVE",
    "DELTA",
    "GAUGE",
    "HISTOGRAM",
    "SUM",
    "MetricGroup",
    "Point",
    "group_records",
]

#: OTLP ``AggregationTemporality`` values.
DELTA = 1
CUMULATIVE = 2

#: The kinds of OTLP metric data this exporter writes.
SUM = "sum"
GAUGE = "gauge"
HISTOGRAM = "histogram"

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


class Point(NamedTuple):
    """One data point: a series' labels, interval and value."""

    labels: Dict[str, str]
    #: 0 when the point has no start (gauges).
    start_time_unix_nano: int
    time_unix_nano: int
    #: An ``int`` (sent as ``as_int``), a ``float``, or a :class:`Distribution`.
    value: Union[int, float, Distribution]
    #: The histogram's bucket upper bounds (histograms only).
    bounds: Tuple[float, ...] = ()


class MetricGroup(NamedTuple):
    """One OTLP metric: its description, data kind, and points."""

    name: str
    description: str
    unit: str
    kind: str
    temporality: int
    monotonic: bool
    points: List[Point]


def _number(value: Any, value_type: Any) -> Optional[Union[int, float]]:
    """``value`` as an int (in int64, for int metrics) or a float; ``None`` if neither."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value_type is int and isinstance(value, int) and _INT64_MIN <= value <= _INT64_MAX:
        return int(value)
    try:
        return float(value)
    except OverflowError:
        return None


def _kind(metric: Any, checkpoint: Any) -> str:
    if isinstance(checkpoint, Distribution):
        return HISTOGRAM
    if isinstance(metric, metrics_api.Gauge):
        return GAUGE
    return SUM


def group_records(
    records: Sequence[MetricRecord],
) -> Tuple[List[Tuple[Resource, List[MetricGroup]]], int]:
    """The records grouped by resource, then by metric; and how many were left out.

    A record is left out when it has nothing to send (a gauge never set) or
    a checkpoint this mapping does not know (a custom aggregator's).
    """
    resources: Dict[Resource, Dict[int, MetricGroup]] = {}
    skipped = 0
    for record in records:
        metric = record.metric
        aggregator = record.aggregator
        checkpoint = aggregator.checkpoint
        kind = _kind(metric, checkpoint)
        labels = dict(getattr(record.label_set, "labels", ()))
        if kind == HISTOGRAM:
            point = Point(
                labels,
                record.start_time_unix_nano,
                record.time_unix_nano,
                checkpoint,
                tuple(getattr(aggregator, "boundaries", ())) if checkpoint.bucket_counts else (),
            )
        else:
            value = _number(checkpoint, getattr(metric, "value_type", float))
            if value is None:
                skipped += 1
                continue
            if kind == GAUGE:
                # A gauge's point is when its value was set; it has no start.
                set_at = getattr(aggregator, "checkpoint_timestamp", 0) or record.time_unix_nano
                point = Point(labels, 0, set_at, value)
            else:
                point = Point(labels, record.start_time_unix_nano, record.time_unix_nano, value)
        meter = getattr(metric, "meter", None)
        resource = getattr(meter, "resource", None)
        if not isinstance(resource, Resource):
            resource = Resource.create_empty()
        stateful = getattr(getattr(meter, "batcher", None), "stateful", True)
        metrics = resources.setdefault(resource, {})
        group = metrics.get(id(metric))
        if group is None:
            group = metrics[id(metric)] = MetricGroup(
                str(getattr(metric, "name", "")),
                str(getattr(metric, "description", "")),
                str(getattr(metric, "unit", "")),
                kind,
                CUMULATIVE if stateful else DELTA,
                kind == SUM
                and isinstance(metric, metrics_api.Counter)
                and bool(getattr(metric, "monotonic", False)),
                [],
            )
        group.points.append(point)
    return [(resource, list(metrics.values())) for resource, metrics in resources.items()], skipped
