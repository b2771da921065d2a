"""The OTLP protobuf wire format, written by hand.

Writes ``ExportTraceServiceRequest`` (``collector/trace/v1``) with the field
numbers and wire types of the OTLP ``trace.proto``, ``common.proto`` and
``resource.proto``; reads the partial success of
``ExportTraceServiceResponse`` and the message of a ``google.rpc.Status``
error body. Fields holding their default value are left out, as proto3 does,
except inside ``AnyValue``, whose ``oneof`` must say which type it holds even
for ``0``, ``False`` or ``""``.

Messages are written inside out: a message's bytes are known before the
length prefix its parent needs. To copy the payload once, nested levels
above the span collect their pieces in one list and add up lengths instead
of joining at every level.
"""

import struct
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from ...span import Span
from ._span_mapping import group_spans, otlp_kind, otlp_status, parent_span_id, trace_state_header

__all__ = ["decode_error_message", "decode_partial_success", "encode_request"]

_pack_fixed64 = struct.Struct("<Q").pack
_pack_fixed32 = struct.Struct("<I").pack
_pack_double = struct.Struct("<d").pack

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64 = 1 << 64

# Varints below 128 are one byte; most lengths and all enums are.
_SMALL_VARINTS = [bytes((value,)) for value in range(128)]

# Tags: (field number << 3) | wire type, for wire types 0 (varint),
# 1 (64-bit), 2 (length-delimited) and 5 (32-bit).
_TRUE = b"\x10\x01"  # AnyValue.bool_value = 2
_FALSE = b"\x10\x00"
_EMPTY_STRING_VALUE = b"\x0a\x00"  # AnyValue.string_value = 1
_EMPTY_ARRAY_VALUE = b"\x2a\x00"  # AnyValue.array_value = 5


def _varint(value: int) -> bytes:
    """A non-negative integer as a base-128 varint."""
    if value < 128:
        return _SMALL_VARINTS[value]
    out = bytearray()
    while value > 127:
        out.append((value & 127) | 128)
        value >>= 7
    out.append(value)
    return bytes(out)


def _text(value: str) -> bytes:
    """UTF-8 bytes; a lone surrogate becomes ``?`` (protobuf strings must be valid UTF-8)."""
    return value.encode("utf-8", "replace")


def _any_value(value: Any) -> Optional[bytes]:
    """The bytes of an ``AnyValue``, or ``None`` for a value OTLP cannot hold."""
    kind = type(value)
    if kind is str:
        data = _text(value)
        return b"\x0a" + _varint(len(data)) + data if data else _EMPTY_STRING_VALUE
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        if value >= 0:
            if value <= _INT64_MAX:
                return b"\x18" + _varint(value)  # int_value = 3
        elif value >= _INT64_MIN:
            return b"\x18" + _varint(value + _UINT64)  # two's complement, 10 bytes
        # Past int64: the decimal string keeps the value exactly.
        data = str(value).encode("ascii")
        return b"\x0a" + _varint(len(data)) + data
    if kind is float:
        return b"\x21" + _pack_double(value)  # double_value = 4
    if kind is list or kind is tuple:
        elements = []
        for element in value:
            if type(element) not in _SCALARS and not isinstance(element, _SCALAR_BASES):
                return None
            encoded = _any_value(element)
            if encoded is None:
                return None
            elements.append(b"\x0a" + _varint(len(encoded)) + encoded)  # ArrayValue.values = 1
        if not elements:
            return _EMPTY_ARRAY_VALUE
        payload = b"".join(elements)
        return b"\x2a" + _varint(len(payload)) + payload
    # Subclasses (an IntEnum, a str subclass) and other types reach here only
    # from spans built outside the SDK's checks; the SDK stores plain types.
    if isinstance(value, bool):
        return _TRUE if value else _FALSE
    if isinstance(value, int):
        return _any_value(int(value))
    if isinstance(value, float):
        return _any_value(float(value))
    if isinstance(value, str):
        return _any_value(str.__str__(value))
    return None


_SCALARS = frozenset((str, bool, int, float))
_SCALAR_BASES = (str, int, float)


# Encoded ``KeyValue.key`` fields by key: attribute keys repeat across spans.
# Bounded, so keys made from unbounded data cannot grow it without limit.
_key_fields: Dict[str, bytes] = {}
_MAX_CACHED_KEYS = 4096


def _key_field(key: str) -> bytes:
    """``KeyValue.key`` (field 1) with its tag and length."""
    data = _text(key)
    field = b"\x0a" + _varint(len(data)) + data
    if len(_key_fields) >= _MAX_CACHED_KEYS:
        _key_fields.clear()
    _key_fields[key] = field
    return field


def _key_values(tag: bytes, attributes: Mapping[str, Any], parts: List[bytes]) -> int:
    """Append each attribute as a ``KeyValue`` field ``tag``; return how many were skipped."""
    skipped = 0
    small = _SMALL_VARINTS
    for key, value in attributes.items():
        key_field = _key_fields.get(key)
        if key_field is None:
            if type(key) is not str:
                skipped += 1
                continue
            key_field = _key_field(key)
        # Short strings are most attribute values: encoded here, without a call.
        # Under 32 characters they are under 128 UTF-8 bytes: a one-byte length.
        if type(value) is str and len(value) < 32:
            data = _text(value)
            value_field: Optional[bytes] = b"\x0a" + small[len(data)] + data
        else:
            value_field = _any_value(value)
        if value_field is None:
            skipped += 1
            continue
        length = len(value_field)
        payload = key_field + b"\x12" + (small[length] if length < 128 else _varint(length))
        parts.append(tag)
        parts.append(_varint(len(payload) + length))
        parts.append(payload)
        parts.append(value_field)
    return skipped


def _string_field(tag: bytes, value: str, parts: List[bytes]) -> None:
    if value:
        data = _text(value)
        parts.append(tag)
        parts.append(_varint(len(data)))
        parts.append(data)


def _span(span: Span) -> bytes:
    """The bytes of one ``Span`` message (``trace.proto``)."""
    context = span.context
    parts = [
        b"\x0a\x10",  # trace_id = 1, 16 bytes
        context.trace_id.to_bytes(16, "big"),
        b"\x12\x08",  # span_id = 2, 8 bytes
        context.span_id.to_bytes(8, "big"),
    ]
    if context.trace_state:
        _string_field(b"\x1a", trace_state_header(context.trace_state), parts)  # trace_state = 3
    parent_id = parent_span_id(span)
    if parent_id is not None:
        parts.append(b"\x22\x08")  # parent_span_id = 4
        parts.append(parent_id.to_bytes(8, "big"))
    name = span.name
    _string_field(b"\x2a", name if type(name) is str else str(name), parts)  # name = 5
    parts.append(b"\x30")  # kind = 6
    parts.append(_varint(otlp_kind(span.kind)))
    if span.start_time:
        parts.append(b"\x39")  # start_time_unix_nano = 7, fixed64
        parts.append(_pack_fixed64(span.start_time))
    if span.end_time:
        parts.append(b"\x41")  # end_time_unix_nano = 8, fixed64
        parts.append(_pack_fixed64(span.end_time))
    dropped_attributes = span.dropped_attributes
    attributes = span.attributes
    if attributes:
        dropped_attributes += _key_values(b"\x4a", attributes, parts)  # attributes = 9
    if dropped_attributes:
        parts.append(b"\x50")  # dropped_attributes_count = 10
        parts.append(_varint(dropped_attributes))
    for event in span.events:
        event_parts = [b"\x09", _pack_fixed64(event.timestamp)]  # time_unix_nano = 1
        _string_field(b"\x12", event.name, event_parts)  # name = 2
        skipped = _key_values(b"\x1a", event.attributes, event_parts)  # attributes = 3
        if skipped:
            event_parts.append(b"\x20")  # dropped_attributes_count = 4
            event_parts.append(_varint(skipped))
        payload = b"".join(event_parts)
        parts.append(b"\x5a")  # events = 11
        parts.append(_varint(len(payload)))
        parts.append(payload)
    if span.dropped_events:
        parts.append(b"\x60")  # dropped_events_count = 12
        parts.append(_varint(span.dropped_events))
    for link in span.links:
        linked = link.context
        link_parts = [
            b"\x0a\x10",  # trace_id = 1
            linked.trace_id.to_bytes(16, "big"),
            b"\x12\x08",  # span_id = 2
            linked.span_id.to_bytes(8, "big"),
        ]
        if linked.trace_state:
            _string_field(b"\x1a", trace_state_header(linked.trace_state), link_parts)
        skipped = _key_values(b"\x22", link.attributes, link_parts)  # attributes = 4
        if skipped:
            link_parts.append(b"\x28")  # dropped_attributes_count = 5
            link_parts.append(_varint(skipped))
        link_flags = int(linked.trace_options) & 0xFF
        if link_flags:
            link_parts.append(b"\x35")  # flags = 6, fixed32
            link_parts.append(_pack_fixed32(link_flags))
        payload = b"".join(link_parts)
        parts.append(b"\x6a")  # links = 13
        parts.append(_varint(len(payload)))
        parts.append(payload)
    if span.dropped_links:
        parts.append(b"\x70")  # dropped_links_count = 14
        parts.append(_varint(span.dropped_links))
    status = otlp_status(span.status)
    if status is not None:
        code, message = status
        status_parts: List[bytes] = []
        _string_field(b"\x12", message, status_parts)  # Status.message = 2
        status_parts.append(b"\x18")  # Status.code = 3
        status_parts.append(_SMALL_VARINTS[code])
        payload = b"".join(status_parts)
        parts.append(b"\x7a")  # status = 15
        parts.append(_varint(len(payload)))
        parts.append(payload)
    flags = int(context.trace_options) & 0xFF  # the W3C trace flags byte
    if flags:
        parts.append(b"\x85\x01")  # flags = 16, fixed32
        parts.append(_pack_fixed32(flags))
    return b"".join(parts)


def encode_request(spans: Sequence[Span]) -> bytes:
    """The ``ExportTraceServiceRequest`` bytes for ``spans``, grouped by resource and scope."""
    out: List[bytes] = []
    for resource, scopes in group_spans(spans):
        resource_parts: List[bytes] = []
        _key_values(b"\x0a", resource.labels, resource_parts)  # Resource.attributes = 1
        resource_payload = b"".join(resource_parts)
        resource_spans_header = b"\x0a" + _varint(len(resource_payload)) + resource_payload
        # ResourceSpans.resource = 1; its scope_spans follow, measured below.
        scope_chunks: List[List[bytes]] = []
        resource_spans_length = len(resource_spans_header)
        for scope, scope_spans in scopes:
            chunk: List[bytes] = []
            if scope is not None:
                scope_parts: List[bytes] = []
                _string_field(b"\x0a", scope.name, scope_parts)  # InstrumentationScope.name = 1
                _string_field(b"\x12", scope.version, scope_parts)  # .version = 2
                scope_payload = b"".join(scope_parts)
                chunk.append(b"\x0a" + _varint(len(scope_payload)) + scope_payload)
            for span in scope_spans:
                span_bytes = _span(span)
                chunk.append(b"\x12" + _varint(len(span_bytes)))  # ScopeSpans.spans = 2
                chunk.append(span_bytes)
            scope_length = sum(map(len, chunk))
            chunk.insert(0, b"\x12" + _varint(scope_length))  # ResourceSpans.scope_spans = 2
            resource_spans_length += len(chunk[0]) + scope_length
            scope_chunks.append(chunk)
        out.append(b"\x0a" + _varint(resource_spans_length))  # request.resource_spans = 1
        out.append(resource_spans_header)
        for chunk in scope_chunks:
            out.extend(chunk)
    return b"".join(out)


# -- reading responses ----------------------------------------------------


def _fields(data: bytes) -> Iterator[Tuple[int, int, Any]]:
    """``(field number, wire type, value)`` of each field of a message.

    Varints come as ``int``, length-delimited fields as ``bytes``; 32- and
    64-bit fields are skipped over. Raises ``ValueError`` on malformed input.
    """
    position, end = 0, len(data)
    while position < end:
        key, position = _read_varint(data, position)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, position = _read_varint(data, position)
            yield number, wire_type, value
        elif wire_type == 2:
            length, position = _read_varint(data, position)
            if position + length > end:
                raise ValueError("truncated field")
            yield number, wire_type, data[position : position + length]
            position += length
        elif wire_type == 1:
            position += 8
        elif wire_type == 5:
            position += 4
        else:
            raise ValueError("unsupported wire type {}".format(wire_type))
    if position > end:
        raise ValueError("truncated field")


def _read_varint(data: bytes, position: int) -> Tuple[int, int]:
    value = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("malformed varint")
        byte = data[position]
        position += 1
        value |= (byte & 127) << shift
        if byte < 128:
            return value, position
        shift += 7


def decode_partial_success(body: bytes) -> Optional[Tuple[int, str]]:
    """The rejected span count and message of a response, or ``None`` if full success.

    Raises ``ValueError`` if ``body`` is not an ``ExportTraceServiceResponse``.
    """
    rejected, message, present = 0, "", False
    for number, wire_type, value in _fields(body):
        if number == 1 and wire_type == 2:  # partial_success = 1
            for inner_number, inner_type, inner in _fields(value):
                if inner_number == 1 and inner_type == 0:  # rejected_spans = 1 (int64)
                    rejected = inner - _UINT64 if inner > _INT64_MAX else inner
                    present = True
                elif inner_number == 2 and inner_type == 2:  # error_message = 2
                    message = inner.decode("utf-8", "replace")
                    present = True
    return (rejected, message) if present else None


def decode_error_message(body: bytes) -> str:
    """The ``message`` of a ``google.rpc.Status`` error body; ``""`` if none.

    Raises ``ValueError`` if ``body`` is not a protobuf message.
    """
    for number, wire_type, value in _fields(body):
        if number == 2 and wire_type == 2:  # Status.message = 2
            return str(value.decode("utf-8", "replace"))
    return ""
