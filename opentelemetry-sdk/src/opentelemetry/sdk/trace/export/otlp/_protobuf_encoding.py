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

from opentelemetry import trace as trace_api
from opentelemetry.trace.status import Status

from ...instrumentation import InstrumentationInfo
from ...span import Span
from ._span_mapping import CANONICAL_OK as _STATUS_OK
from ._span_mapping import EMPTY_TRACE_STATE as _EMPTY_TRACE_STATE
from ._span_mapping import INT64_MAX as _INT64_MAX
from ._span_mapping import INT64_MIN as _INT64_MIN
from ._span_mapping import MAX_CACHED_KEYS as _MAX_CACHED_KEYS
from ._span_mapping import (
    UNSET_STATUS,
    array_elements,
    group_spans,
    otlp_kind,
    otlp_status,
    parent_span_id,
    plain_scalar,
    trace_state_header,
)
from ._encoding_failures import EncodingFailures, encode_each, record_failure

__all__ = ["decode_error_message", "decode_partial_success", "encode_request"]

_pack_fixed32 = struct.Struct("<I").pack
_pack_double = struct.Struct("<d").pack
# A fixed64 field with its one-byte tag, and two of them: a span's start and
# end times, in one call instead of four pieces.
_pack_tagged_fixed64 = struct.Struct("<BQ").pack
_pack_two_tagged_fixed64 = struct.Struct("<BQBQ").pack

_UINT64 = 1 << 64

# Varints below 128 are one byte; most lengths and all enums are.
_SMALL_VARINTS = [bytes((value,)) for value in range(128)]

# Tags: (field number << 3) | wire type. Every tag below is built from the
# field's number in the OTLP .proto files, named for its message and field,
# once at import; all of them fit one byte but Span.flags (two).
_VARINT, _FIXED64, _LEN, _FIXED32 = 0, 1, 2, 5


def _tag(field_number: int, wire_type: int) -> bytes:
    number = field_number << 3 | wire_type
    return bytes((number,)) if number < 128 else bytes(((number & 127) | 128, number >> 7))


# common.proto
_ANY_VALUE_STRING = _tag(1, _LEN)
_ANY_VALUE_BOOL = _tag(2, _VARINT)
_ANY_VALUE_ARRAY = _tag(5, _LEN)
_KEY_VALUE_KEY = _tag(1, _LEN)
_KEY_VALUE_VALUE = _tag(2, _LEN)
_SCOPE_NAME = _tag(1, _LEN)
_SCOPE_VERSION = _tag(2, _LEN)
# resource.proto
_RESOURCE_ATTRIBUTES_TAG = _tag(1, _LEN)
# trace.proto and trace_service.proto
_REQUEST_RESOURCE_SPANS = _tag(1, _LEN)
_RESOURCE_SPANS_RESOURCE = _tag(1, _LEN)
_RESOURCE_SPANS_SCOPE_SPANS = _tag(2, _LEN)
_SCOPE_SPANS_SCOPE = _tag(1, _LEN)
_SCOPE_SPANS_SPANS = _tag(2, _LEN)
_SPAN_TRACE_ID = _tag(1, _LEN)
_SPAN_SPAN_ID = _tag(2, _LEN)
_SPAN_TRACE_STATE = _tag(3, _LEN)
_SPAN_PARENT_SPAN_ID = _tag(4, _LEN)
_SPAN_NAME = _tag(5, _LEN)
_SPAN_KIND = _tag(6, _VARINT)
_SPAN_START_TIME = _tag(7, _FIXED64)[0]  # one byte, for the packed struct
_SPAN_END_TIME = _tag(8, _FIXED64)[0]
_SPAN_ATTRIBUTES_TAG = _tag(9, _LEN)
_SPAN_DROPPED_ATTRIBUTES = _tag(10, _VARINT)
_SPAN_EVENTS = _tag(11, _LEN)
_SPAN_DROPPED_EVENTS = _tag(12, _VARINT)
_SPAN_LINKS = _tag(13, _LEN)
_SPAN_DROPPED_LINKS = _tag(14, _VARINT)
_SPAN_STATUS = _tag(15, _LEN)
_SPAN_FLAGS = _tag(16, _FIXED32)
_EVENT_TIME = _tag(1, _FIXED64)[0]
_EVENT_NAME = _tag(2, _LEN)
_EVENT_ATTRIBUTES_TAG = _tag(3, _LEN)
_EVENT_DROPPED_ATTRIBUTES = _tag(4, _VARINT)
_LINK_TRACE_ID = _tag(1, _LEN)
_LINK_SPAN_ID = _tag(2, _LEN)
_LINK_TRACE_STATE = _tag(3, _LEN)
_LINK_ATTRIBUTES_TAG = _tag(4, _LEN)
_LINK_DROPPED_ATTRIBUTES = _tag(5, _VARINT)
_LINK_FLAGS = _tag(6, _FIXED32)
_STATUS_MESSAGE = _tag(2, _LEN)
_STATUS_CODE = _tag(3, _VARINT)
_ANY_VALUE_INT = _tag(3, _VARINT)
_ANY_VALUE_DOUBLE = _tag(4, _FIXED64)
_ARRAY_VALUE_VALUES = _tag(1, _LEN)

_TRUE = _ANY_VALUE_BOOL + b"\x01"
_FALSE = _ANY_VALUE_BOOL + b"\x00"


def _varint(value: int) -> bytes:
    """A non-negative integer as a base-128 varint."""
    if value < 128:
        return _SMALL_VARINTS[value]
    # Two and three bytes (most lengths and ports) without the loop's calls.
    if value < 16384:
        return bytes(((value & 127) | 128, value >> 7))
    if value < 2097152:
        return bytes(((value & 127) | 128, (value >> 7 & 127) | 128, value >> 14))
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
        return _ANY_VALUE_STRING + _varint(len(data)) + data
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        if value >= 0:
            if value <= _INT64_MAX:
                return _ANY_VALUE_INT + _varint(value)
        elif value >= _INT64_MIN:
            return _ANY_VALUE_INT + _varint(value + _UINT64)  # two's complement, 10 bytes
        # Past int64: the decimal string keeps the value exactly.
        data = str(value).encode("ascii")
        return _ANY_VALUE_STRING + _varint(len(data)) + data
    if kind is float:
        return _ANY_VALUE_DOUBLE + _pack_double(value)
    if kind is list or kind is tuple:
        elements = array_elements(value, _any_value)
        if elements is None:
            return None
        payload = b"".join([_ARRAY_VALUE_VALUES + _varint(len(e)) + e for e in elements])
        return _ANY_VALUE_ARRAY + _varint(len(payload)) + payload
    plain = plain_scalar(value)
    return None if plain is None else _any_value(plain)



# The three bytes before a string value of n < 126 UTF-8 bytes inside a
# KeyValue: KeyValue.value's length (n + 2), then AnyValue.string_value's tag
# and length (n): one lookup instead of building them per attribute.
_STRING_VALUE_HEADS = [
    _SMALL_VARINTS[size + 2] + _ANY_VALUE_STRING + _SMALL_VARINTS[size] for size in range(126)
]

# By key: the prefix of its KeyValues, ``KeyValue.key`` (1) with tag and
# length and the tag of ``KeyValue.value`` (2) that always follows, and the
# KeyValue length with an empty string value; attribute keys repeat across
# spans. Bounded, so keys made from unbounded data cannot grow it without limit.
_key_prefixes: Dict[str, Tuple[bytes, int]] = {}


def _key_prefix(key: str) -> Tuple[bytes, int]:
    """The cache entry of ``key``: its prefix, and the KeyValue length with a value of ``""``."""
    data = _text(key)
    # An empty key (a resource label may have one) is proto3's default: no field.
    prefix = (_KEY_VALUE_KEY + _varint(len(data)) + data if data else b"") + _KEY_VALUE_VALUE
    entry = (prefix, len(prefix) + 3)  # + value length, string tag, string length
    if len(_key_prefixes) >= _MAX_CACHED_KEYS:
        _key_prefixes.clear()
    _key_prefixes[key] = entry
    return entry


# ``KeyValue.value``'s length and ``AnyValue`` for int values, bounded like the keys.
_int_values: Dict[int, bytes] = {}


def _int_value(value: int) -> bytes:
    """``KeyValue.value``'s length and the ``AnyValue`` of an int; cached if in int64."""
    encoded = _any_value(value)
    assert encoded is not None  # every int has an AnyValue
    field = _varint(len(encoded)) + encoded
    if _INT64_MIN <= value <= _INT64_MAX:  # at most 12 bytes to keep
        if len(_int_values) >= _MAX_CACHED_KEYS:
            _int_values.clear()
        _int_values[value] = field
    return field


def _field_heads(tag: bytes) -> List[bytes]:
    """``tag`` followed by each one-byte length: a field's head in one lookup."""
    return [tag + length for length in _SMALL_VARINTS]


_SPAN_ATTRIBUTES = _field_heads(_SPAN_ATTRIBUTES_TAG)
_EVENT_ATTRIBUTES = _field_heads(_EVENT_ATTRIBUTES_TAG)
_LINK_ATTRIBUTES = _field_heads(_LINK_ATTRIBUTES_TAG)
_RESOURCE_ATTRIBUTES = _field_heads(_RESOURCE_ATTRIBUTES_TAG)


def _key_values(heads: List[bytes], attributes: Mapping[str, Any], parts: List[bytes]) -> int:
    """Append each attribute as a ``KeyValue`` field (``heads``: see _field_heads).

    Returns how many attributes were skipped, OTLP having no form for them.
    """
    skipped = 0
    small = _SMALL_VARINTS
    string_heads = _STRING_VALUE_HEADS
    cached = _key_prefixes.get
    for key, value in attributes.items():
        # Only exact str keys are written (a str subclass equal to a cached key
        # must not borrow its prefix); the others count as skipped.
        if type(key) is not str:
            skipped += 1
            continue
        prefix, base = cached(key) or _key_prefix(key)
        # The common types are encoded here, without a call: strings (most
        # values, short ones in four pieces), then ints in int64.
        if type(value) is str:
            try:
                data = value.encode()
            except UnicodeEncodeError:  # a lone surrogate: replaced, as _text does
                data = _text(value)
            size = len(data)
            length = base + size
            if length < 128:  # then size < 126 too: every length is one byte
                parts += (heads[length], prefix, string_heads[size], data)
                continue
            value_field = _ANY_VALUE_STRING + _varint(size) + data
        elif type(value) is int:
            # Int values repeat (status codes, ports): their field is cached.
            int_field = _int_values.get(value)
            if int_field is None:
                int_field = _int_value(value)
            length = base - 3 + len(int_field)
            parts += (
                # heads[0][:1]: the bare tag, for a length past one byte
                heads[length] if length < 128 else heads[0][:1] + _varint(length),
                prefix,
                int_field,
            )
            continue
        else:
            encoded = _any_value(value)
            if encoded is None:
                skipped += 1
                continue
            value_field = encoded
        size = len(value_field)
        value_length = small[size] if size < 128 else _varint(size)
        length = base - 3 + len(value_length) + size
        parts += (
            heads[length] if length < 128 else heads[0][:1] + _varint(length),
            prefix,
            value_length,
            value_field,
        )
    return skipped


def _string_field(tag: bytes, value: str, parts: List[bytes]) -> None:
    if value:
        data = _text(value)
        size = len(data)
        parts += (tag, _SMALL_VARINTS[size] if size < 128 else _varint(size), data)


# ``Span.kind`` (6) for each SpanKind, by the member's identity: hashing an
# Enum member runs Python code, ``id`` does not, and members live forever.
_KIND_FIELDS = {id(kind): _SPAN_KIND + _varint(otlp_kind(kind)) for kind in trace_api.SpanKind}
# ``Span.flags`` (16, fixed32) for each value of the W3C trace flags byte;
# none for 0, which proto3 leaves out.
_FLAGS_FIELDS = {
    flags: _SPAN_FLAGS + _pack_fixed32(flags) if flags else b"" for flags in range(256)
}
# ``Span.status`` (15) of a span whose OK was set: ``Status.code`` (3) = 1.
_STATUS_OK_FIELD = _SPAN_STATUS + b"\x02" + _STATUS_CODE + b"\x01"


def _status_field(status: Status) -> bytes:
    """``Span.status`` (15) with its tag and length."""
    mapped = otlp_status(status)
    assert mapped is not None  # UNSET, the only status mapped to None, is left out before
    code, message = mapped
    status_parts: List[bytes] = []
    _string_field(_STATUS_MESSAGE, message, status_parts)
    status_parts.append(_STATUS_CODE)
    status_parts.append(_SMALL_VARINTS[code])
    payload = b"".join(status_parts)
    return _SPAN_STATUS + _varint(len(payload)) + payload


# Fixed heads: a tag and the one-byte length of an id that follows it.
_SPAN_TRACE_ID_HEAD = _SPAN_TRACE_ID + b"\x10"
_SPAN_SPAN_ID_HEAD = _SPAN_SPAN_ID + b"\x08"
_SPAN_PARENT_SPAN_ID_HEAD = _SPAN_PARENT_SPAN_ID + b"\x08"
_LINK_TRACE_ID_HEAD = _LINK_TRACE_ID + b"\x10"
_LINK_SPAN_ID_HEAD = _LINK_SPAN_ID + b"\x08"


def _event_field(event: trace_api.Event, parts: List[bytes]) -> None:
    """Append ``Span.events`` for one event: tag, length and ``Span.Event`` message."""
    timestamp = event.timestamp
    # A time of 0 (the SDK accepts it) is proto3's default: left out, as for a span's times.
    event_parts = [_pack_tagged_fixed64(_EVENT_TIME, timestamp)] if timestamp else []
    name = event.name
    if name:
        data = name.encode("utf-8", "replace")
        size = len(data)
        event_parts += (_EVENT_NAME, _SMALL_VARINTS[size] if size < 128 else _varint(size), data)
    skipped = _key_values(_EVENT_ATTRIBUTES, event.attributes, event_parts)
    if skipped:
        event_parts += (_EVENT_DROPPED_ATTRIBUTES, _varint(skipped))
    payload = b"".join(event_parts)
    size = len(payload)
    parts += (_SPAN_EVENTS, _SMALL_VARINTS[size] if size < 128 else _varint(size), payload)


def _link_field(link: trace_api.Link, parts: List[bytes]) -> None:
    """Append ``Span.links`` for one link: tag, length and ``Span.Link`` message."""
    linked = link.context
    link_parts = [
        _LINK_TRACE_ID_HEAD,
        linked.trace_id.to_bytes(16, "big"),
        _LINK_SPAN_ID_HEAD,
        linked.span_id.to_bytes(8, "big"),
    ]
    if linked.trace_state:
        _string_field(_LINK_TRACE_STATE, trace_state_header(linked.trace_state), link_parts)
    skipped = _key_values(_LINK_ATTRIBUTES, link.attributes, link_parts)
    if skipped:
        link_parts += (_LINK_DROPPED_ATTRIBUTES, _varint(skipped))
    link_flags = int(linked.trace_options) & 0xFF
    if link_flags:
        link_parts += (_LINK_FLAGS, _pack_fixed32(link_flags))
    payload = b"".join(link_parts)
    parts += (_SPAN_LINKS, _varint(len(payload)), payload)


def _span_field(span: Span) -> bytes:
    """``ScopeSpans.spans`` for one span: tag, length and ``Span`` message (``trace.proto``)."""
    small = _SMALL_VARINTS
    context = span.context
    parts = [
        _SPAN_TRACE_ID_HEAD,
        context.trace_id.to_bytes(16, "big"),
        _SPAN_SPAN_ID_HEAD,
        context.span_id.to_bytes(8, "big"),
    ]
    trace_state = context.trace_state
    # Most spans share the empty trace state: known empty without a call
    # (another empty one gives an empty header, and _string_field writes nothing).
    if trace_state is not _EMPTY_TRACE_STATE:
        _string_field(_SPAN_TRACE_STATE, trace_state_header(trace_state), parts)
    parent_id = parent_span_id(span)
    if parent_id is not None:
        parts += (_SPAN_PARENT_SPAN_ID_HEAD, parent_id.to_bytes(8, "big"))
    name = span.name
    if name:
        data = (name if type(name) is str else str(name)).encode("utf-8", "replace")
        size = len(data)
        parts += (_SPAN_NAME, small[size] if size < 128 else _varint(size), data)
    kind = span.kind
    kind_field = _KIND_FIELDS.get(id(kind))
    parts.append(_SPAN_KIND + _varint(otlp_kind(kind)) if kind_field is None else kind_field)
    start_time, end_time = span.start_time, span.end_time
    if start_time and end_time:
        parts.append(
            _pack_two_tagged_fixed64(_SPAN_START_TIME, start_time, _SPAN_END_TIME, end_time)
        )
    elif start_time:
        parts.append(_pack_tagged_fixed64(_SPAN_START_TIME, start_time))
    elif end_time:
        parts.append(_pack_tagged_fixed64(_SPAN_END_TIME, end_time))
    dropped_attributes = span.dropped_attributes
    attributes = span.attributes
    if attributes:
        dropped_attributes += _key_values(_SPAN_ATTRIBUTES, attributes, parts)
    if dropped_attributes:
        parts += (_SPAN_DROPPED_ATTRIBUTES, _varint(dropped_attributes))
    for event in span.events:
        _event_field(event, parts)
    if span.dropped_events:
        parts += (_SPAN_DROPPED_EVENTS, _varint(span.dropped_events))
    for link in span.links:
        _link_field(link, parts)
    if span.dropped_links:
        parts += (_SPAN_DROPPED_LINKS, _varint(span.dropped_links))
    status = span.status
    # A status never set is UNSET: no field (the usual case, checked by identity).
    if status is not None and status is not UNSET_STATUS:
        # The OK status needs no mapping: its field is a constant.
        parts.append(
            _STATUS_OK_FIELD if status.canonical_code is _STATUS_OK else _status_field(status)
        )
    flags_field = _FLAGS_FIELDS.get(context.trace_options)  # the W3C trace flags byte
    if flags_field is None:
        flags_field = _FLAGS_FIELDS[int(context.trace_options) & 0xFF]
    if flags_field:
        parts.append(flags_field)
    payload = b"".join(parts)
    size = len(payload)
    # Most spans take two length bytes: written here rather than by a call.
    if size < 16384:
        return (
            _SCOPE_SPANS_SPANS
            + (small[size] if size < 128 else bytes(((size & 127) | 128, size >> 7)))
            + payload
        )
    return _SCOPE_SPANS_SPANS + _varint(size) + payload


def encode_request(spans: Sequence[Span], failures: Optional[EncodingFailures] = None) -> bytes:
    """The ``ExportTraceServiceRequest`` bytes for ``spans``, grouped by resource and scope.

    A span that cannot be encoded is left out and counted in ``failures``
    (without it, its error is raised), as are the spans of a resource or
    scope that cannot be.
    """
    out: List[bytes] = []
    for resource, scopes in group_spans(spans, failures):
        try:
            resource_parts: List[bytes] = []
            _key_values(_RESOURCE_ATTRIBUTES, resource.labels, resource_parts)
        except Exception as error:
            record_failure(failures, sum(len(scope_spans) for _, scope_spans in scopes), error)
            continue
        resource_payload = b"".join(resource_parts)
        resource_spans_header = (
            _RESOURCE_SPANS_RESOURCE + _varint(len(resource_payload)) + resource_payload
        )
        # Its scope_spans follow, measured below.
        scope_chunks: List[List[bytes]] = []
        resource_spans_length = len(resource_spans_header)
        for scope, scope_spans in scopes:
            chunk = _scope_chunk(scope, scope_spans, failures)
            if chunk is None:
                continue
            scope_length = sum(map(len, chunk))
            chunk.insert(0, _RESOURCE_SPANS_SCOPE_SPANS + _varint(scope_length))
            resource_spans_length += len(chunk[0]) + scope_length
            scope_chunks.append(chunk)
        if not scope_chunks:
            continue
        out.append(_REQUEST_RESOURCE_SPANS + _varint(resource_spans_length))
        out.append(resource_spans_header)
        for chunk in scope_chunks:
            out.extend(chunk)
    return b"".join(out)


def _scope_chunk(
    scope: Optional[InstrumentationInfo], spans: List[Span], failures: Optional[EncodingFailures]
) -> Optional[List[bytes]]:
    """The fields of one ``ScopeSpans``: its scope, then its spans; ``None`` if none is left."""
    chunk: List[bytes] = []
    if scope is not None:
        try:
            scope_parts: List[bytes] = []
            _string_field(_SCOPE_NAME, scope.name, scope_parts)
            _string_field(_SCOPE_VERSION, scope.version, scope_parts)
        except Exception as error:
            record_failure(failures, len(spans), error)
            return None
        scope_payload = b"".join(scope_parts)
        chunk.append(_SCOPE_SPANS_SCOPE + _varint(len(scope_payload)) + scope_payload)
    try:  # the spans all at once, the fast path; span by span once one fails
        span_fields = list(map(_span_field, spans))
    except Exception:
        span_fields = encode_each(spans, _span_field, failures)
    if not span_fields:
        return None
    chunk.extend(span_fields)
    return chunk


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
