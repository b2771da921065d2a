"""The OTLP/JSON format for metrics: ``ExportMetricsServiceRequest`` in the proto3 JSON mapping.

With the span encoder's helpers and OTLP's rules: lowerCamelCase keys,
enums as integers, 64-bit integers (times, ``asInt``, counts) as strings.
Values are finite: the SDK drops the others where they enter.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from ....trace.export.otlp import _json_encoding as _text
from ..aggregate import Distribution
from ..metric_record import MetricRecord
from ._record_mapping import GAUGE, HISTOGRAM, MetricGroup, Point, group_records

__all__ = ["decode_error_message", "decode_partial_success", "encode_request"]

decode_error_message = _text.decode_error_message


def decode_partial_success(body: bytes) -> Optional[Tuple[int, str]]:
    """The rejected data point count and message of a response, or ``None`` if full success.

    Raises ``ValueError`` if ``body`` is not an ``ExportMetricsServiceResponse``.
    """
    return _text.decode_partial_success(body, rejected_field="rejectedDataPoints")


def _attributes(point: Point) -> str:
    if not point.labels:
        return ""
    encoded, _ = _text._key_values(point.labels)
    return '"attributes":[' + encoded + "],"


def _times(point: Point) -> str:
    start = point.start_time_unix_nano
    text = '"startTimeUnixNano":"{}",'.format(start) if start else ""
    return text + '"timeUnixNano":"{}"'.format(point.time_unix_nano)


def _number_point(point: Point) -> str:
    value = point.value
    if type(value) is int:
        field = '"asInt":"{}"'.format(value)
    else:
        field = '"asDouble":' + repr(float(value))  # type: ignore[arg-type]
    return "{" + _attributes(point) + _times(point) + "," + field + "}"


def _histogram_point(point: Point) -> str:
    distribution = point.value
    assert isinstance(distribution, Distribution)
    fields = [_attributes(point) + _times(point)]
    if distribution.count:
        fields.append('"count":"{}"'.format(distribution.count))
    fields.append('"sum":' + repr(float(distribution.sum)))
    if point.bounds:
        fields.append(
            '"bucketCounts":['
            + ",".join('"{}"'.format(c) for c in distribution.bucket_counts)
            + "]"
        )
        fields.append('"explicitBounds":[' + ",".join(repr(float(b)) for b in point.bounds) + "]")
    if distribution.min is not None and distribution.max is not None:
        fields.append('"min":' + repr(float(distribution.min)))
        fields.append('"max":' + repr(float(distribution.max)))
    return "{" + ",".join(fields) + "}"


def _metric(group: MetricGroup) -> str:
    fields = []
    for key, value in (
        ("name", group.name),
        ("description", group.description),
        ("unit", group.unit),
    ):
        if value:
            fields.append('"{}":{}'.format(key, _text._string(value)))
    encode_point = _histogram_point if group.kind == HISTOGRAM else _number_point
    data = ['"dataPoints":[' + ",".join(map(encode_point, group.points)) + "]"]
    if group.kind != GAUGE:
        data.append('"aggregationTemporality":{}'.format(group.temporality))
    if group.monotonic:
        data.append('"isMonotonic":true')
    fields.append('"{}":{{{}}}'.format(group.kind, ",".join(data)))
    return "{" + ",".join(fields) + "}"


def encode_request(records: Sequence[MetricRecord]) -> bytes:
    """The ``ExportMetricsServiceRequest`` as UTF-8 JSON, grouped by resource and metric."""
    groups, _ = group_records(records)
    resource_metrics: List[str] = []
    for resource, metric_groups in groups:
        attributes, _ = _text._key_values(resource.labels)
        resource_metrics.append(
            '{"resource":'
            + ('{"attributes":[' + attributes + "]}" if attributes else "{}")
            + ',"scopeMetrics":[{"metrics":['
            + ",".join(map(_metric, metric_groups))
            + "]}]}"
        )
    return ('{"resourceMetrics":[' + ",".join(resource_metrics) + "]}").encode("utf-8", "replace")
