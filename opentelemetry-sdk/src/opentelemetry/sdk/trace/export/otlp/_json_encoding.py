"""The OTLP/JSON format: the protobuf messages in the proto3 JSON mapping.

With OTLP's own exceptions to that mapping: trace and span ids are lower-case
hex (not base64), keys are lowerCamelCase, enums are integers. As proto3 JSON
requires, 64-bit integers (timestamps, ``intValue``) are strings, and
non-finite doubles are the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
Fields holding their default value are left out, as the official printer
leaves them out, except span and event names, attribute keys and event times,
written always (a parser reads an empty one as the default).

Values OTLP cannot hold, in spans built outside the SDK's checks, are left
out and counted: an attribute in the ``droppedAttributesCount`` of its span,
event or link; a span (an id past its width, a time or a name of the wrong
type) in the ``EncodingFailures``.
"""

import json
import json.encoder
import math
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from opentelemetry import trace as trace_api
from opentelemetry.trace.status import Status

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


# The request is written as text, without building the objects first: that
# is most of the cost. The text is what ``json.dumps`` writes for those
# objects (compact, ensure_ascii off), byte for byte: strings go through the
# function it uses itself, ints and finite floats are their repr.
_string = json.encoder.encode_basestring


def _integer(value: Any) -> str:
    """An integer field's value (a count, a time) in decimal.

    Anything else raises ``TypeError``: written as it is, it would make the
    backend reject the whole request instead of this one span.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    raise TypeError("expected an integer, got {}".format(type(value).__name__))


# Times are ``fixed64``: nanoseconds since the epoch, unsigned.
_TIME_MAX = (1 << 64) - 1


def _time(value: Any) -> str:
    """A time as a JSON string, as proto3 JSON writes 64-bit integers.

    A time OTLP cannot hold raises ``ValueError`` (see ``_integer``).
    """
    text = _integer(value)
    if not 0 <= value <= _TIME_MAX:
        raise ValueError("time {} is outside 0..2**64-1".format(text))
    return '"' + text + '"'


def _text(value: Any) -> str:
    """A ``string`` field's value: text (a ``str`` subclass as its text), or ``TypeError``."""
    if isinstance(value, str):
        return _string(str.__str__(value))
    raise TypeError("expected text, got {}".format(type(value).__name__))


def _any_value(value: Any) -> Optional[str]:
    """An ``AnyValue`` object, or ``None`` for a value OTLP cannot hold."""
    kind = type(value)
    if kind is str:
        return '{"stringValue":' + _string(value) + "}"
    if kind is bool:
        return '{"boolValue":true}' if value else '{"boolValue":false}'
    if kind is int:
        if _INT64_MIN <= value <= _INT64_MAX:
            return '{"intValue":"' + str(value) + '"}'
        # Past int64: the decimal string keeps the value exactly.
        return '{"stringValue":"' + str(value) + '"}'
    if kind is float:
        if math.isfinite(value):
            return '{"doubleValue":' + repr(value) + "}"
        if value != value:
            return '{"doubleValue":"NaN"}'
        return '{"doubleValue":"Infinity"}' if value == math.inf else '{"doubleValue":"-Infinity"}'
    if kind is list or kind is tuple:
        elements = array_elements(value, _any_value)
        if elements is None:
            return None
        if not elements:
            return '{"arrayValue":{}}'
        return '{"arrayValue":{"values":[' + ",".join(elements) + "]}}"
    plain = plain_scalar(value)
    return None if plain is None else _any_value(plain)


# The start of a ``KeyValue`` object up to its value, by key: attribute keys
# repeat across spans. Bounded, so keys made from unbounded data cannot grow
# it without limit.
_key_prefixes: Dict[str, str] = {}


def _key_prefix(key: str) -> str:
    """``{"key":<key>,"value":``, cached."""
    prefix = '{"key":' + _string(key) + ',"value":'
    if len(_key_prefixes) >= _MAX_CACHED_KEYS:
        _key_prefixes.clear()
    _key_prefixes[key] = prefix
    return prefix


def _key_values(attributes: Mapping[str, Any]) -> Tuple[str, int]:
    """The attributes as ``KeyValue`` objects, comma-separated, and how many were skipped.

    The caller adds the brackets of the array, in the text around it.
    """
    key_values: List[str] = []
    append = key_values.append
    skipped = 0
    cached = _key_prefixes.get
    for key, value in attributes.items():
        # Only exact str keys are written (a str subclass equal to a cached key
        # must not borrow its prefix); the others count as skipped.
        prefix = (cached(key) or _key_prefix(key)) if type(key) is str else None
        # Strings and ints, most values, are written here without a call, each
        # KeyValue by one f-string: one allocation.
        if type(value) is str:
            if prefix is not None:
                append(f'{prefix}{{"stringValue":{_string(value)}}}}}')
                continue
        elif type(value) is int and _INT64_MIN <= value <= _INT64_MAX:
            if prefix is not None:
                append(f'{prefix}{{"intValue":"{value}"}}}}')
                continue
        else:
            encoded = _any_value(value)
            if encoded is not None and prefix is not None:
                append(f"{prefix}{encoded}}}")
                continue
        skipped += 1
    return ",".join(key_values), skipped


# ``,"kind":n`` for each SpanKind, by the member's identity: hashing an Enum
# member runs Python code, ``id`` does not, and members live forever.
_KIND_FIELDS = {id(kind): ',"kind":' + str(otlp_kind(kind)) for kind in trace_api.SpanKind}
# The kind of anything else (a span built outside the SDK's checks): INTERNAL,
# as ``otlp_kind`` maps it.
_OTHER_KIND_FIELD = _KIND_FIELDS[id(trace_api.SpanKind.INTERNAL)]
# ``,"flags":n`` for each value of the W3C trace flags byte; none for 0.
_FLAGS_FIELDS = {flags: ',"flags":' + str(flags) if flags else "" for flags in range(256)}
# The status of an OK span, most spans.
_STATUS_OK_FIELD = ',"status":{"code":1}'


def _attributes_fields(attributes: Mapping[str, Any]) -> str:
    """The ``attributes`` and ``droppedAttributesCount`` fields, each only if not empty."""
    encoded, skipped = _key_values(attributes)
    fields = f',"attributes":[{encoded}]' if encoded else ""
    if skipped:
        fields += ',"droppedAttributesCount":' + str(skipped)
    return fields


def _event_object(event: trace_api.Event) -> str:
    """One ``Span.Event`` object."""
    event_attributes = event.attributes
    if event_attributes:  # inline, not _attributes_fields: one call less per event
        encoded, skipped = _key_values(event_attributes)
        attributes_field = f',"attributes":[{encoded}]' if encoded else ""
        if skipped:
            attributes_field += f',"droppedAttributesCount":{skipped}'
    else:
        attributes_field = ""
    timestamp, name = event.timestamp, event.name
    # The usual event, in one f-string (one allocation); the others are checked.
    if type(timestamp) is int and type(name) is str and 0 <= timestamp <= _TIME_MAX:
        return f'{{"timeUnixNano":"{timestamp}","name":{_string(name)}{attributes_field}}}'
    return (
        f'{{"timeUnixNano":{_time(timestamp)}'
        f',"name":{_text(name)}{attributes_field}}}'
    )


def _link_object(link: trace_api.Link) -> str:
    """One ``Span.Link`` object."""
    linked = link.context
    encoded_link = (
        f'{{"traceId":"{linked.trace_id.to_bytes(16, "big").hex()}"'
        f',"spanId":"{linked.span_id.to_bytes(8, "big").hex()}"'
    )
    if linked.trace_state:
        encoded_link += ',"traceState":' + _string(trace_state_header(linked.trace_state))
    if link.attributes:
        encoded_link += _attributes_fields(link.attributes)
    link_flags = int(linked.trace_options) & 0xFF
    if link_flags:
        encoded_link += ',"flags":' + str(link_flags)
    return encoded_link + "}"


def _status_field(status: Status) -> str:
    """The ``status`` field of a span whose status is not UNSET or OK."""
    mapped = otlp_status(status)
    assert mapped is not None  # UNSET, the only status mapped to None, is left out before
    code, message = mapped
    if message:
        return f',"status":{{"message":{_string(message)},"code":{code}}}'
    return f',"status":{{"code":{code}}}'


def _span(span: Span) -> str:
    """One ``Span`` object (``trace.proto``)."""
    context = span.context
    trace_state = context.trace_state
    # Most spans share the empty trace state: known empty without asking its length.
    if trace_state is _EMPTY_TRACE_STATE or not trace_state:
        trace_state_field = ""
    else:
        trace_state_field = ',"traceState":' + _string(trace_state_header(trace_state))
    parent_id = parent_span_id(span)
    if parent_id is None:
        parent_field = ""
    else:
        # bytes.hex() is cheaper than format(); an id past 64 bits raises OverflowError.
        parent_field = f',"parentSpanId":"{parent_id.to_bytes(8, "big").hex()}"'
    flags_field = _FLAGS_FIELDS.get(context.trace_options)  # the W3C trace flags byte
    if flags_field is None:
        flags_field = _FLAGS_FIELDS[int(context.trace_options) & 0xFF]
    name = span.name
    kind = span.kind
    kind_field = _KIND_FIELDS.get(id(kind), _OTHER_KIND_FIELD)
    start_time, end_time = span.start_time, span.end_time
    if (
        type(start_time) is int
        and type(end_time) is int
        and 0 < start_time <= _TIME_MAX
        and 0 < end_time <= _TIME_MAX
    ):
        times = f',"startTimeUnixNano":"{start_time}","endTimeUnixNano":"{end_time}"'
    else:  # either is unset (left out), not a plain int, or out of range (checked)
        times = ',"startTimeUnixNano":' + _time(start_time) if start_time else ""
        if end_time:
            times += ',"endTimeUnixNano":' + _time(end_time)
    trace_id, span_id = context.trace_id, context.span_id
    # bytes.hex() is cheaper than format(); an id out of range raises OverflowError.
    trace_id_hex = trace_id.to_bytes(16, "big").hex()
    span_id_hex = span_id.to_bytes(8, "big").hex()
    # The fields every span has, and the optional ones before its attributes,
    # in one f-string: one allocation.
    parts = [
        f'{{"traceId":"{trace_id_hex}","spanId":"{span_id_hex}"'
        f"{trace_state_field}{parent_field}{flags_field}"
        f',"name":{_string(name if type(name) is str else str(name))}{kind_field}{times}'
    ]
    dropped_attributes = span.dropped_attributes
    attributes = span.attributes
    if attributes:  # inline, not _attributes_fields: one call less per span
        encoded, skipped = _key_values(attributes)
        if encoded:
            parts.append(f',"attributes":[{encoded}]')
        dropped_attributes += skipped
    if dropped_attributes:
        parts.append(',"droppedAttributesCount":' + _integer(dropped_attributes))
    events = span.events
    if events:
        parts.append(f',"events":[{",".join(map(_event_object, events))}]')
    if span.dropped_events:
        parts.append(',"droppedEventsCount":' + _integer(span.dropped_events))
    links = span.links
    if links:
        parts.append(f',"links":[{",".join(map(_link_object, links))}]')
    if span.dropped_links:
        parts.append(',"droppedLinksCount":' + _integer(span.dropped_links))
    status = span.status
    # A status never set is UNSET: no field (the usual case, checked by identity).
    if status is not None and status is not UNSET_STATUS:
        # The OK status needs no mapping: its text is a constant.
        parts.append(
            _STATUS_OK_FIELD if status.canonical_code is _STATUS_OK else _status_field(status)
        )
    parts.append("}")
    return "".join(parts)


def _scope(name: str, version: str) -> str:
    """An ``InstrumentationScope`` object, empty fields left out."""
    fields = []
    if name:
        fields.append('"name":' + _text(name))
    if version:
        fields.append('"version":' + _text(version))
    return "{" + ",".join(fields) + "}"


def encode_request(spans: Sequence[Span], failures: Optional[EncodingFailures] = None) -> bytes:
    """The ``ExportTraceServiceRequest`` as UTF-8 JSON, grouped by resource and scope.

    A span that cannot be encoded is left out and counted in ``failures``
    (without it, its error is raised), as are the spans of a resource or
    scope that cannot be.
    """
    resource_spans = []
    for resource, scopes in group_spans(spans, failures):
        try:
            attributes, _ = _key_values(resource.labels)
        except Exception as error:
            record_failure(failures, sum(len(scope_spans) for _, scope_spans in scopes), error)
            continue
        scope_spans = []
        for scope, spans_of_scope in scopes:
            try:
                scope_field = "" if scope is None else f'"scope":{_scope(scope.name, scope.version)},'
            except Exception as error:
                record_failure(failures, len(spans_of_scope), error)
                continue
            encoded = ",".join(encode_each(spans_of_scope, _span, failures))
            if encoded:
                scope_spans.append(f'{{{scope_field}"spans":[{encoded}]}}')
        if scope_spans:
            resource_spans.append(
                '{"resource":'
                + ('{"attributes":[' + attributes + "]}" if attributes else "{}")
                + ',"scopeSpans":['
                + ",".join(scope_spans)
                + "]}"
            )
    text = '{"resourceSpans":[' + ",".join(resource_spans) + "]}"
    # UTF-8 (the default); a lone surrogate, which UTF-8 cannot hold, becomes "?".
    return text.encode(errors="replace")


def _object(body: bytes) -> Dict[str, Any]:
    """The JSON object ``body`` holds; ``ValueError`` if it is something else."""
    try:
        value = json.loads(body) if body.strip() else {}
    except RecursionError:  # nested deeper than the parser goes
        raise ValueError("nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return value


def decode_partial_success(
    body: bytes, rejected_field: str = "rejectedSpans"
) -> Optional[Tuple[int, str]]:
    """The rejected count and message of a response, or ``None`` if full success.

    ``rejected_field`` names the count: ``rejectedSpans`` in an
    ``ExportTraceServiceResponse``, ``rejectedDataPoints`` for metrics.
    Raises ``ValueError`` if ``body`` is not such a response.
    """
    partial = _object(body).get("partialSuccess")
    if not partial:
        return None
    if not isinstance(partial, dict):
        raise ValueError("partialSuccess is not an object")
    # int64 arrives as a string or a number; null is proto3 JSON's default value.
    rejected = partial.get(rejected_field)
    message = partial.get("errorMessage")
    try:
        count = int(rejected or 0)
    except (TypeError, OverflowError):  # a list, an object, an infinite float
        raise ValueError(rejected_field + " is not an integer") from None
    return count, "" if message is None else str(message)


def decode_error_message(body: bytes) -> str:
    """The ``message`` of a ``google.rpc.Status`` error body; ``""`` if none.

    Raises ``ValueError`` if ``body`` is not a JSON object.
    """
    message = _object(body).get("message")
    return "" if message is None else str(message)
