"""The OTLP protobuf wire format for metrics: ``ExportMetricsServiceRequest``.

Written with the span encoder's primitives (varints, strings, key-values),
with the field numbers and wire types of the OTLP ``metrics.proto``. Fields
holding their default value are left out, as proto3 does, except the
histogram's ``sum``, ``min`` and ``max``, which have explicit presence.
"""

from __future__ import annotations

import struct
from typing import List, Sequence

from ....trace.export.otlp import _protobuf_encoding as _wire
from ..aggregate import Distribution
from ..metric_record import MetricRecord
from ._record_mapping import GAUGE, HISTOGRAM, MetricGroup, Point, group_records

__all__ = ["decode_error_message", "decode_partial_success", "encode_request"]

# The responses have the span responses' shape: partial_success = 1 holding
# the rejected count (1) and message (2); errors are a google.rpc.Status.
decode_partial_success = _wire.decode_partial_success
decode_error_message = _wire.decode_error_message

_varint = _wire._varint
_pack_double = struct.Struct("<d").pack
_pack_fixed64 = struct.Struct("<Q").pack
_pack_sfixed64 = struct.Struct("<q").pack

_NUMBER_POINT_ATTRIBUTES = _wire._field_heads(b"\x3a")  # NumberDataPoint.attributes = 7
_HISTOGRAM_POINT_ATTRIBUTES = _wire._field_heads(b"\x4a")  # HistogramDataPoint.attributes = 9
# Metric.gauge = 5, .sum = 7, .histogram = 9
_DATA_TAGS = {GAUGE: b"\x2a", "sum": b"\x3a", HISTOGRAM: b"\x4a"}


def _message(tag: bytes, payload: bytes) -> bytes:
    """A length-delimited field: tag, length, payload."""
    return tag + _varint(len(payload)) + payload


def _number_point(point: Point) -> bytes:
    """A ``NumberDataPoint``."""
    parts: List[bytes] = []
    _wire._key_values(_NUMBER_POINT_ATTRIBUTES, point.labels, parts)
    if point.start_time_unix_nano:
        parts.append(b"\x11" + _pack_fixed64(point.start_time_unix_nano))  # start = 2, fixed64
    parts.append(b"\x19" + _pack_fixed64(point.time_unix_nano))  # time_unix_nano = 3, fixed64
    value = point.value
    if type(value) is int:
        parts.append(b"\x31" + _pack_sfixed64(value))  # as_int = 6, sfixed64
    else:
        assert isinstance(value, float)
        parts.append(b"\x21" + _pack_double(value))  # as_double = 4, double
    return b"".join(parts)


def _histogram_point(point: Point) -> bytes:
    """A ``HistogramDataPoint``."""
    distribution = point.value
    assert isinstance(distribution, Distribution)
    parts: List[bytes] = []
    _wire._key_values(_HISTOGRAM_POINT_ATTRIBUTES, point.labels, parts)
    if point.start_time_unix_nano:
        parts.append(b"\x11" + _pack_fixed64(point.start_time_unix_nano))  # start = 2
    parts.append(b"\x19" + _pack_fixed64(point.time_unix_nano))  # time_unix_nano = 3
    if distribution.count:
        parts.append(b"\x21" + _pack_fixed64(distribution.count))  # count = 4, fixed64
    parts.append(b"\x29" + _pack_double(float(distribution.sum)))  # sum = 5, optional double
    if point.bounds:
        counts = b"".join(_pack_fixed64(count) for count in distribution.bucket_counts)
        parts.append(_message(b"\x32", counts))  # bucket_counts = 6, packed fixed64
        bounds = b"".join(_pack_double(float(bound)) for bound in point.bounds)
        parts.append(_message(b"\x3a", bounds))  # explicit_bounds = 7, packed double
    if distribution.min is not None and distribution.max is not None:
        parts.append(b"\x59" + _pack_double(float(distribution.min)))  # min = 11
        parts.append(b"\x61" + _pack_double(float(distribution.max)))  # max = 12
    return b"".join(parts)


def _metric(group: MetricGroup) -> bytes:
    """A ``Metric`` with its data: ``Gauge``, ``Sum`` or ``Histogram``."""
    parts: List[bytes] = []
    _wire._string_field(b"\x0a", group.name, parts)  # name = 1
    _wire._string_field(b"\x12", group.description, parts)  # description = 2
    _wire._string_field(b"\x1a", group.unit, parts)  # unit = 3
    encode_point = _histogram_point if group.kind == HISTOGRAM else _number_point
    data = [_message(b"\x0a", encode_point(point)) for point in group.points]  # data_points = 1
    if group.kind != GAUGE:
        data.append(b"\x10" + _varint(group.temporality))  # aggregation_temporality = 2
    if group.monotonic:
        data.append(b"\x18\x01")  # Sum.is_monotonic = 3
    parts.append(_message(_DATA_TAGS[group.kind], b"".join(data)))
    return b"".join(parts)


def encode_request(records: Sequence[MetricRecord]) -> bytes:
    """The ``ExportMetricsServiceRequest`` bytes for ``records``, grouped by resource and metric."""
    groups, _ = group_records(records)
    out: List[bytes] = []
    for resource, metric_groups in groups:
        resource_parts: List[bytes] = []
        _wire._key_values(_wire._RESOURCE_ATTRIBUTES, resource.labels, resource_parts)
        metrics = b"".join(_message(b"\x12", _metric(group)) for group in metric_groups)
        resource_metrics = (
            _message(b"\x0a", b"".join(resource_parts))  # ResourceMetrics.resource = 1
            + _message(b"\x12", metrics)  # .scope_metrics = 2, one without a scope
        )
        out.append(_message(b"\x0a", resource_metrics))  # request.resource_metrics = 1
    return b"".join(out)
