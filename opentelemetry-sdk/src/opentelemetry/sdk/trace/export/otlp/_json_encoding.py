"""The OTLP/JSON format: the protobuf messages in the proto3 JSON mapping.

With OTLP's own exceptions to that mapping: trace and span ids are lower-case
hex (not base64), keys are lowerCamelCase, enums are integers. As proto3 JSON
requires, 64-bit integers (timestamps, ``intValue``) are strings, and
non-finite doubles are the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
Fields holding their default value are left out.
"""

import json
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ...span import Span
from ._span_mapping import group_spans, otlp_kind, otlp_status, parent_span_id, trace_state_header

__all__ = ["decode_error_message", "decode_partial_success", "encode_request"]

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_SCALARS = frozenset((str, bool, int, float))
_SCALAR_BASES = (str, int, float)

_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def _any_value(value: Any) -> Optional[Dict[str, Any]]:
    """An ``AnyValue`` object, or ``None`` for a value OTLP cannot hold."""
    kind = type(value)
    if kind is str:
        return {"stringValue": value}
    if kind is bool:
        return {"boolValue": value}
    if kind is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return {"intValue": str(value)}
        # Past int64: the decimal string keeps the value exactly.
        return {"stringValue": str(value)}
    if kind is float:
        if math.isfinite(value):
            return {"doubleValue": value}
        return {
            "doubleValue": "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
        }
    if kind is list or kind is tuple:
        elements = []
        for element in value:
            if type(element) not in _SCALARS and not isinstance(element, _SCALAR_BASES):
                return None
            elements.append(_any_value(element))
        return {"arrayValue": {"values": elements}} if elements else {"arrayValue": {}}
    # Subclasses (an IntEnum, a str subclass) and other types reach here only
    # from spans built outside the SDK's checks; the SDK stores plain types.
    if isinstance(value, bool):
        return {"boolValue": bool(value)}
    if isinstance(value, int):
        return _any_value(int(value))
    if isinstance(value, float):
        return _any_value(float(value))
    if isinstance(value, str):
        return {"stringValue": str.__str__(value)}
    return None


def _key_values(attributes: Mapping[str, Any]) -> Tuple[List[Dict[str, Any]], int]:
    """The attributes as ``KeyValue`` objects, and how many were skipped."""
    key_values = []
    skipped = 0
    for key, value in attributes.items():
        encoded = _any_value(value)
        if encoded is None or type(key) is not str:
            skipped += 1
            continue
        key_values.append({"key": key, "value": encoded})
    return key_values, skipped


def _span(span: Span) -> Dict[str, Any]:
    context = span.context
    out: Dict[str, Any] = {
        "traceId": "{:032x}".format(context.trace_id),
        "spanId": "{:016x}".format(context.span_id),
    }
    if context.trace_state:
        out["traceState"] = trace_state_header(context.trace_state)
    parent_id = parent_span_id(span)
    if parent_id is not None:
        out["parentSpanId"] = "{:016x}".format(parent_id)
    flags = int(context.trace_options) & 0xFF  # the W3C trace flags byte
    if flags:
        out["flags"] = flags
    out["name"] = span.name if type(span.name) is str else str(span.name)
    out["kind"] = otlp_kind(span.kind)
    if span.start_time:
        out["startTimeUnixNano"] = str(span.start_time)
    if span.end_time:
        out["endTimeUnixNano"] = str(span.end_time)
    dropped_attributes = span.dropped_attributes
    if span.attributes:
        attributes, skipped = _key_values(span.attributes)
        out["attributes"] = attributes
        dropped_attributes += skipped
    if dropped_attributes:
        out["droppedAttributesCount"] = dropped_attributes
    if span.events:
        events = []
        for event in span.events:
            encoded: Dict[str, Any] = {"timeUnixNano": str(event.timestamp), "name": event.name}
            if event.attributes:
                encoded["attributes"], skipped = _key_values(event.attributes)
                if skipped:
                    encoded["droppedAttributesCount"] = skipped
            events.append(encoded)
        out["events"] = events
    if span.dropped_events:
        out["droppedEventsCount"] = span.dropped_events
    if span.links:
        links = []
        for link in span.links:
            linked = link.context
            encoded = {
                "traceId": "{:032x}".format(linked.trace_id),
                "spanId": "{:016x}".format(linked.span_id),
            }
            if linked.trace_state:
                encoded["traceState"] = trace_state_header(linked.trace_state)
            if link.attributes:
                encoded["attributes"], skipped = _key_values(link.attributes)
                if skipped:
                    encoded["droppedAttributesCount"] = skipped
            link_flags = int(linked.trace_options) & 0xFF
            if link_flags:
                encoded["flags"] = link_flags
            links.append(encoded)
        out["links"] = links
    if span.dropped_links:
        out["droppedLinksCount"] = span.dropped_links
    status = otlp_status(span.status)
    if status is not None:
        code, message = status
        out["status"] = {"message": message, "code": code} if message else {"code": code}
    return out


def encode_request(spans: Sequence[Span]) -> bytes:
    """The ``ExportTraceServiceRequest`` as UTF-8 JSON, grouped by resource and scope."""
    resource_spans = []
    for resource, scopes in group_spans(spans):
        scope_spans = []
        for scope, spans_of_scope in scopes:
            encoded: Dict[str, Any] = {}
            if scope is not None:
                encoded["scope"] = {
                    key: value
                    for key, value in (("name", scope.name), ("version", scope.version))
                    if value
                }
            encoded["spans"] = [_span(span) for span in spans_of_scope]
            scope_spans.append(encoded)
        attributes, _ = _key_values(resource.labels)
        resource_spans.append(
            {
                "resource": {"attributes": attributes} if attributes else {},
                "scopeSpans": scope_spans,
            }
        )
    return _encode_json({"resourceSpans": resource_spans}).encode("utf-8", "replace")


def _object(body: bytes) -> Dict[str, Any]:
    """The JSON object ``body`` holds; ``ValueError`` if it is something else."""
    value = json.loads(body) if body.strip() else {}
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def decode_partial_success(body: bytes) -> Optional[Tuple[int, str]]:
    """The rejected span count and message of a response, or ``None`` if full success.

    Raises ``ValueError`` if ``body`` is not an ``ExportTraceServiceResponse``.
    """
    partial = _object(body).get("partialSuccess")
    if not partial:
        return None
    if not isinstance(partial, dict):
        raise ValueError("partialSuccess is not an object")
    # int64 arrives as a string or a number.
    rejected = int(partial.get("rejectedSpans", 0))
    message = partial.get("errorMessage", "")
    return rejected, str(message)


def decode_error_message(body: bytes) -> str:
    """The ``message`` of a ``google.rpc.Status`` error body; ``""`` if none.

    Raises ``ValueError`` if ``body`` is not a JSON object.
    """
    return str(_object(body).get("message", ""))
