"""The OTLP/JSON encoder against the official schema, for any span it may be handed.

The oracle is ``opentelemetry-proto`` from PyPI: for each batch, the request
the OTLP mapping prescribes is built here as the official message, field by
field, and the encoder's JSON must

* parse with ``google.protobuf.json_format`` into that message (after OTLP's
  one departure from proto3 JSON, hex ids, is undone), and
* be, as a document, what the official printer writes for it: lowerCamelCase
  keys, enums as integers, 64-bit integers as strings, fields holding their
  default value left out;
* be written byte for byte as ``json.dumps`` writes the same document.

Spans come from the SDK and, above all, built by hand: exporters also get
spans that skipped the SDK's checks (custom span classes, processors that
rewrite spans), with values OTLP cannot hold. Those values are left out and
counted in the ``dropped*Count`` fields, which the receiver sees; a span the
encoder cannot write at all is left out and counted in ``EncodingFailures``,
never costing the rest of its batch.
"""

import base64
import enum
import json
import math
import types
from typing import Any, Dict, List, Optional

import pytest
from google.protobuf import json_format
from hypothesis import given
from hypothesis import strategies as st

from opentelemetry import trace as trace_api
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # a dev requirement
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.sdk.trace.export.otlp import _json_encoding
from opentelemetry.sdk.trace.export.otlp._encoding_failures import EncodingFailures
from opentelemetry.sdk.trace.instrumentation import InstrumentationInfo
from opentelemetry.sdk.trace.span import UNSET_STATUS
from opentelemetry.trace.status import Status, StatusCanonicalCode

INT64_MIN = -(1 << 63)
INT64_MAX = (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1


class Colour(enum.IntEnum):
    """An ``IntEnum`` attribute value: a span built by hand may hold one."""

    RED = 1
    HUGE = 1 << 70  # past int64: sent as its decimal string


class Label(str):
    """A ``str`` subclass whose ``str()`` is not its text: the text is what is sent."""

    def __str__(self) -> str:
        return "not the text"


class Ratio(float):
    """A ``float`` subclass."""


class Nanoseconds(int):
    """A time held as an ``int`` subclass."""


class HandMadeSpan:
    """A span built outside the SDK's checks: every field the encoder reads, nothing checked."""

    def __init__(self, **fields: Any) -> None:
        self.name = "hand-made"
        self.context = trace_api.SpanContext(0xABC, 0xDEF)
        self.parent_context: Optional[trace_api.SpanContext] = None
        self.kind: Any = trace_api.SpanKind.INTERNAL
        self.start_time: Any = 10
        self.end_time: Any = 20
        self.attributes: Dict[Any, Any] = {}
        self.dropped_attributes = 0
        self.events: List[trace_api.Event] = []
        self.dropped_events = 0
        self.links: List[trace_api.Link] = []
        self.dropped_links = 0
        self.status: Optional[Status] = None
        self.resource: Any = HAND_MADE_RESOURCE
        self.instrumentation_info: Any = InstrumentationInfo("lib", "1.0")
        for name, value in fields.items():
            setattr(self, name, value)


class HandMadeResource:
    """A resource whose labels skipped the SDK's checks."""

    def __init__(self, labels: Dict[Any, Any]) -> None:
        self.labels = labels


HAND_MADE_RESOURCE = HandMadeResource({"service.name": "hand"})


# -- the expected request, from the OTLP mapping --------------------------------


def _expected_any_value(value: Any) -> Optional[common_pb2.AnyValue]:
    """The ``AnyValue`` for ``value``, or ``None`` for a value OTLP cannot hold."""
    message = common_pb2.AnyValue()
    if isinstance(value, bool):
        message.bool_value = value
    elif isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            message.int_value = int(value)
        else:
            message.string_value = str(int(value))  # kept exactly, as text
    elif isinstance(value, float):
        message.double_value = float(value)
    elif isinstance(value, str):
        message.string_value = str.__str__(value)
    elif type(value) in (list, tuple):
        message.array_value.SetInParent()
        for element in value:
            if type(element) in (list, tuple):
                return None  # attribute arrays hold scalars only
            encoded = _expected_any_value(element)
            if encoded is None:
                return None
            message.array_value.values.add().CopyFrom(encoded)
    else:
        return None
    return message


def _expected_attributes(repeated: Any, attributes: Any) -> int:
    """Fill ``repeated`` with the attributes OTLP can hold; return how many it cannot."""
    skipped = 0
    for key, value in attributes.items():
        encoded = _expected_any_value(value)
        if type(key) is not str or encoded is None:
            skipped += 1
            continue
        key_value = repeated.add()
        key_value.key = key
        key_value.value.CopyFrom(encoded)
    return skipped


def _header(trace_state: Any) -> str:
    return ",".join("{}={}".format(key, value) for key, value in trace_state.items())


def _expected_span(message: Any, span: Any) -> None:
    context = span.context
    message.trace_id = context.trace_id.to_bytes(16, "big")
    message.span_id = context.span_id.to_bytes(8, "big")
    message.trace_state = _header(context.trace_state)
    parent = span.parent_context
    if parent is not None and parent.span_id:  # span id 0: no parent
        message.parent_span_id = parent.span_id.to_bytes(8, "big")
    message.flags = int(context.trace_options) & 0xFF  # the W3C flags byte
    message.name = str(span.name)
    kinds = {kind: kind.value + 1 for kind in trace_api.SpanKind}
    message.kind = kinds.get(span.kind, 1)  # anything else: INTERNAL
    message.start_time_unix_nano = int(span.start_time or 0)
    message.end_time_unix_nano = int(span.end_time or 0)
    skipped = _expected_attributes(message.attributes, span.attributes)
    message.dropped_attributes_count = span.dropped_attributes + skipped
    for event in span.events:
        event_message = message.events.add()
        event_message.time_unix_nano = event.timestamp
        event_message.name = event.name
        event_message.dropped_attributes_count = _expected_attributes(
            event_message.attributes, event.attributes
        )
    message.dropped_events_count = span.dropped_events
    for link in span.links:
        link_message = message.links.add()
        linked = link.context
        link_message.trace_id = linked.trace_id.to_bytes(16, "big")
        link_message.span_id = linked.span_id.to_bytes(8, "big")
        link_message.trace_state = _header(linked.trace_state)
        link_message.flags = int(linked.trace_options) & 0xFF
        link_message.dropped_attributes_count = _expected_attributes(
            link_message.attributes, link.attributes
        )
    message.dropped_links_count = span.dropped_links
    status = span.status
    if status is not None and status is not UNSET_STATUS:  # never set: UNSET, no field
        if status.canonical_code is StatusCanonicalCode.OK:
            message.status.code = 1  # STATUS_CODE_OK, no message
        else:
            message.status.code = 2  # STATUS_CODE_ERROR
            message.status.message = str(status.description or status.canonical_code.name)


def expected_request(spans: List[Any]) -> Any:
    """Spans grouped by resource (equal ones together), then by scope, in order of appearance."""
    groups: List[Any] = []
    for span in spans:
        for resource, scopes in groups:
            if resource is span.resource or resource == span.resource:
                break
        else:
            resource, scopes = span.resource, {}
            groups.append((resource, scopes))
        scopes.setdefault(span.instrumentation_info, []).append(span)
    request = trace_service_pb2.ExportTraceServiceRequest()
    for resource, scopes in groups:
        resource_spans = request.resource_spans.add()
        resource_spans.resource.SetInParent()
        _expected_attributes(resource_spans.resource.attributes, resource.labels)
        for scope, scope_spans in scopes.items():
            scope_message = resource_spans.scope_spans.add()
            if scope is not None:
                scope_message.scope.SetInParent()
                scope_message.scope.name = scope.name
                scope_message.scope.version = scope.version
            for span in scope_spans:
                _expected_span(scope_message.spans.add(), span)
    return request


# -- the checks ------------------------------------------------------------------

_ID_KEYS = ("traceId", "spanId", "parentSpanId")


def _ids(document: Any, convert: Any) -> Any:
    """``document`` with every id converted by ``convert``."""
    if isinstance(document, dict):
        return {
            key: convert(value) if key in _ID_KEYS else _ids(value, convert)
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_ids(value, convert) for value in document]
    return document


def _hex_to_base64(hex_id: str) -> str:
    assert hex_id == hex_id.lower() and len(hex_id) in (16, 32), hex_id
    return base64.b64encode(bytes.fromhex(hex_id)).decode("ascii")


def _base64_to_hex(base64_id: str) -> str:
    return base64.b64decode(base64_id).hex()


def _printed(message: Any) -> Any:
    """What the official printer writes for ``message``, enums as numbers."""
    return json_format.MessageToDict(message, use_integers_for_enums=True)


def _normalised(document: Any) -> Any:
    """The document without empty names, keys and event times, and an empty request's list.

    The encoder writes those even when they hold the default: span and event
    names, attribute keys, event times, a request's ``resourceSpans``.
    Parsers read them as the default.
    """
    if document == {"resourceSpans": []}:
        return {}
    if isinstance(document, dict):
        return {
            key: _normalised(value)
            for key, value in document.items()
            if not (key in ("name", "key") and value == "")
            and not (key == "timeUnixNano" and value == "0")
        }
    if isinstance(document, list):
        return [_normalised(value) for value in document]
    return document


def assert_encodes_as_prescribed(spans: List[Any]) -> bytes:
    """Encode ``spans`` and check the body against the official schema and printer."""
    body = _json_encoding.encode_request(spans)
    document = json.loads(body.decode("utf-8"))
    expected = expected_request(spans)
    # Parsed by the official parser: the same message.
    parsed = json_format.ParseDict(
        _ids(document, _hex_to_base64), trace_service_pb2.ExportTraceServiceRequest()
    )
    assert _printed(parsed) == _printed(expected)
    # As a document: the official printer's, ids in hex, defaults left out.
    assert _normalised(document) == _normalised(
        _ids(_printed(expected), _base64_to_hex)
    )
    # As text: compact, as the standard JSON encoder writes it, not ASCII-escaped.
    assert body == json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return body


def _context(trace_id: int = 0xA1, span_id: int = 0xB2, flags: int = 0, state: Any = None):
    return trace_api.SpanContext(
        trace_id, span_id, trace_api.TraceOptions(flags), state or trace_api.TraceState()
    )


# -- attribute values, one by one -------------------------------------------------

ODD_BUT_SENDABLE = {
    "int64.min": INT64_MIN,
    "int64.max": INT64_MAX,
    "past.int64.max": INT64_MAX + 1,
    "past.int64.min": INT64_MIN - 1,
    "int.enum": Colour.RED,
    "huge.int.enum": Colour.HUGE,
    "str.subclass": Label("the text"),
    "float.subclass": Ratio(0.75),
    "float.subclass.inf": Ratio("-inf"),
    "zero.float": 0.0,
    "nan": float("nan"),
    "infinity": float("inf"),
    "minus.infinity": float("-inf"),
    "true": True,
    "false": False,
    "array.of.int64.bounds": [INT64_MIN, INT64_MAX, INT64_MIN - 1, INT64_MAX + 1],
    "array.of.subclasses": (Colour.RED, Label("x"), Ratio(1.5), True),
    "array.of.bools": [True, False],
    "array.of.floats": [float("nan"), float("inf"), float("-inf"), -0.5],
    "empty.array": [],
    "empty.tuple": (),
    "escapes": 'quote " backslash \\ newline \n nul \x00 \u2028 日本 😀',
}

NOT_SENDABLE = {
    "none": None,
    "dict": {"a": 1},
    "object": object(),
    "bytes": b"raw",
    "set": {1, 2},
    "nested.array": [[1, 2]],
    "nested.tuple": [(1,)],
    "array.with.none": [1, None],
    "array.with.dict": ["a", {"b": 1}],
    "list.subclass": type("Values", (list,), {})([1]),
}


@pytest.mark.parametrize("key", sorted(ODD_BUT_SENDABLE))
def test_attribute_value_of_a_hand_made_span_is_sent_as_otlp_says(key):
    value = ODD_BUT_SENDABLE[key]
    event = trace_api.Event("event", {key: value}, 5)
    link = trace_api.Link(_context(), {key: value})
    resource = HandMadeResource({key: value})
    body = assert_encodes_as_prescribed(
        [HandMadeSpan(attributes={key: value}, events=[event], links=[link], resource=resource)]
    )
    assert b"droppedAttributesCount" not in body


@pytest.mark.parametrize("key", sorted(NOT_SENDABLE))
def test_attribute_value_otlp_cannot_hold_is_left_out_and_counted(key):
    value = NOT_SENDABLE[key]
    event = trace_api.Event("event", {key: value, "kept": 1}, 5)
    link = trace_api.Link(_context(), {key: value, "kept": 1})
    span = HandMadeSpan(
        attributes={key: value, "kept": 1}, dropped_attributes=2, events=[event], links=[link]
    )
    body = assert_encodes_as_prescribed([span])
    request = json.loads(body)
    (sent,) = request["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert sent["droppedAttributesCount"] == 3  # the 2 the span dropped, and this one
    assert sent["events"][0]["droppedAttributesCount"] == 1
    assert sent["links"][0]["droppedAttributesCount"] == 1
    for holder in (sent, sent["events"][0], sent["links"][0]):
        assert [attribute["key"] for attribute in holder["attributes"]] == ["kept"]


@pytest.mark.parametrize("key", [7, None, ("a", "b"), Label("str.subclass.key")])
def test_attribute_key_that_is_not_plain_text_is_left_out_and_counted(key):
    # A plain-text key equal to the subclass key comes first, so it is cached.
    cached = HandMadeSpan(name="cached", attributes={"str.subclass.key": 1})
    span = HandMadeSpan(attributes={"kept": "yes", key: "value"})
    body = assert_encodes_as_prescribed([cached, span])
    sent = json.loads(body)["resourceSpans"][0]["scopeSpans"][0]["spans"][1]
    assert sent["droppedAttributesCount"] == 1
    assert sent["attributes"] == [{"key": "kept", "value": {"stringValue": "yes"}}]


def test_lone_surrogate_in_text_is_sent_as_a_question_mark():
    """Text Python holds but UTF-8 cannot: the request still goes, with ``?`` in its place."""
    span = HandMadeSpan(name="a\ud800b", attributes={"k": "x\udfffy"})
    body = _json_encoding.encode_request([span])
    (sent,) = json.loads(body)["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert sent["name"] == "a?b"
    assert sent["attributes"] == [{"key": "k", "value": {"stringValue": "x?y"}}]


# -- span fields ------------------------------------------------------------------


def test_every_span_field_of_a_hand_made_span_is_sent_as_otlp_says():
    spans = [
        HandMadeSpan(
            name="everything",
            context=_context(
                (1 << 128) - 1, UINT64_MAX, 0x81, trace_api.TraceState([("a", "1"), ("b", "2")])
            ),
            parent_context=_context(span_id=1),
            kind=trace_api.SpanKind.CONSUMER,
            start_time=1,
            end_time=UINT64_MAX,
            attributes={"k": "v"},
            dropped_attributes=4,
            events=[trace_api.Event("e", {"n": 1}, UINT64_MAX), trace_api.Event("f", {}, 1)],
            dropped_events=5,
            links=[
                trace_api.Link(_context(2, 3, 1, trace_api.TraceState([("x", "y")])), {"w": 1.5}),
                trace_api.Link(_context(4, 5, 0x1FF)),  # flags past a byte: only the byte
            ],
            dropped_links=6,
            status=Status(StatusCanonicalCode.DATA_LOSS, 'lost "it"'),
        ),
        HandMadeSpan(name="", context=_context(1, 2)),  # defaults everywhere
    ]
    body = assert_encodes_as_prescribed(spans)
    assert b'"flags":129' in body and b'"flags":255' in body


@pytest.mark.parametrize("flags", [0, 1, 0x80, 0xFF, 0x100, 0x101, 0x3FF, (1 << 40) + 3])
def test_span_flags_are_the_w3c_flags_byte(flags):
    span = HandMadeSpan(context=trace_api.SpanContext(1, 2, flags))
    linked = trace_api.Link(trace_api.SpanContext(3, 4, flags))
    assert_encodes_as_prescribed([span, HandMadeSpan(links=[linked])])


@pytest.mark.parametrize("kind", [None, "SERVER", 2, object()])
def test_kind_that_is_not_a_span_kind_is_sent_as_internal(kind):
    body = assert_encodes_as_prescribed([HandMadeSpan(kind=kind)])
    assert b'"kind":1' in body


@pytest.mark.parametrize(
    "start, end",
    [(None, None), (0, 0), (None, 5), (0, 5), (5, None), (5, 0), (7, 9)],
)
def test_unset_times_are_left_out_and_the_others_sent(start, end):
    assert_encodes_as_prescribed([HandMadeSpan(start_time=start, end_time=end)])


def test_times_held_as_int_subclasses_are_sent_as_their_value():
    spans = [
        HandMadeSpan(start_time=Nanoseconds(3), end_time=Nanoseconds(4)),
        HandMadeSpan(start_time=Nanoseconds(3), end_time=4),
        HandMadeSpan(start_time=3, end_time=Nanoseconds(4)),
        HandMadeSpan(events=[trace_api.Event("e", {}, Nanoseconds(8))]),
    ]
    body = assert_encodes_as_prescribed(spans)
    assert body.count(b'"startTimeUnixNano":"3"') == 3
    assert body.count(b'"endTimeUnixNano":"4"') == 3


@pytest.mark.parametrize("held_as", [int, Nanoseconds])
def test_times_at_the_bounds_of_fixed64_are_sent(held_as):
    spans = [
        HandMadeSpan(
            start_time=held_as(1),
            end_time=held_as(UINT64_MAX),
            events=[
                trace_api.Event("first", {}, held_as(0)),
                trace_api.Event("last", {}, held_as(UINT64_MAX)),
            ],
        ),
        HandMadeSpan(start_time=held_as(UINT64_MAX), end_time=held_as(UINT64_MAX)),
    ]
    body = assert_encodes_as_prescribed(spans)
    assert body.count(b'"%d"' % UINT64_MAX) == 4


def test_span_name_that_is_not_text_is_sent_as_its_text():
    spans = [HandMadeSpan(name=404), HandMadeSpan(name=Label("shown"))]
    body = _json_encoding.encode_request(spans)
    names = [span["name"] for span in json.loads(body)["resourceSpans"][0]["scopeSpans"][0]["spans"]]
    assert names == ["404", "not the text"]  # str() of it, as for any object


def test_empty_trace_state_is_left_out_whichever_object_holds_it():
    spans = [
        HandMadeSpan(context=_context(state=trace_api.TraceState())),
        HandMadeSpan(context=trace_api.SpanContext(1, 2, 0, {})),
        HandMadeSpan(links=[trace_api.Link(trace_api.SpanContext(1, 2, 0, {}))]),
    ]
    body = assert_encodes_as_prescribed(spans)
    assert b"traceState" not in body


def test_resource_without_labels_is_sent_as_an_empty_resource():
    body = assert_encodes_as_prescribed([HandMadeSpan(resource=HandMadeResource({}))])
    assert body.startswith(b'{"resourceSpans":[{"resource":{},"scopeSpans":[')


@pytest.mark.parametrize(
    "scope", [None, InstrumentationInfo("", ""), InstrumentationInfo("lib", ""),
              InstrumentationInfo("", "2.0"), InstrumentationInfo('q"uote', "\n")]
)
def test_scope_fields_are_sent_when_set(scope):
    assert_encodes_as_prescribed([HandMadeSpan(instrumentation_info=scope)])


@pytest.mark.parametrize(
    "status",
    [
        None,
        UNSET_STATUS,
        Status(StatusCanonicalCode.OK),
        Status(StatusCanonicalCode.OK, "ignored"),
        Status(StatusCanonicalCode.UNKNOWN),
        Status(StatusCanonicalCode.NOT_FOUND, "gone \"away\""),
        Status(StatusCanonicalCode.INTERNAL, ""),
    ],
)
def test_status_is_sent_as_otlp_says(status):
    assert_encodes_as_prescribed([HandMadeSpan(status=status)])


def test_event_name_held_as_a_str_subclass_is_sent_as_its_text():
    event = trace_api.Event(Label("the text"), {}, 5)
    body = assert_encodes_as_prescribed([HandMadeSpan(events=[event])])
    assert b'"name":"the text"' in body


# -- what cannot be encoded --------------------------------------------------------


def _sent_names(body: bytes) -> List[str]:
    return [
        span["name"]
        for resource in json.loads(body)["resourceSpans"]
        for scope in resource["scopeSpans"]
        for span in scope["spans"]
    ]


BAD_SPANS = {
    "float start time": dict(start_time=1.5),
    "float end time": dict(end_time=2.5),
    "float start and end time": dict(start_time=1.5, end_time=2.5),
    "bool start time": dict(start_time=True, end_time=3),
    "text end time": dict(start_time=None, end_time="3"),
    "negative start time": dict(start_time=-1),
    "negative end time": dict(start_time=None, end_time=-1),
    "start time past 64 bits": dict(start_time=UINT64_MAX + 1),
    "end time past 64 bits": dict(end_time=UINT64_MAX + 1),
    "negative event time": dict(events=[trace_api.Event("e", {}, -1)]),
    "event time past 64 bits": dict(events=[trace_api.Event("e", {}, UINT64_MAX + 1)]),
    "int subclass time past 64 bits": dict(start_time=Nanoseconds(UINT64_MAX + 1)),
    "float event time": dict(events=[trace_api.Event("e", {}, 1.5)]),
    "bool event time": dict(events=[trace_api.Event("e", {}, True)]),
    "trace id past 128 bits": dict(context=trace_api.SpanContext(1 << 128, 1)),
    "negative span id": dict(context=trace_api.SpanContext(1, -1)),
    "parent id past 64 bits": dict(parent_context=trace_api.SpanContext(1, 1 << 64)),
    "link id past 64 bits": dict(links=[trace_api.Link(trace_api.SpanContext(1, 1 << 64))]),
    "text trace state": dict(context=trace_api.SpanContext(1, 2, 0, "a=1")),
    "attributes not a mapping": dict(attributes=[("k", "v")]),
}


@pytest.mark.parametrize("bad", sorted(BAD_SPANS))
def test_span_that_cannot_be_encoded_is_left_out_counted_and_the_rest_sent(bad):
    spans = [
        HandMadeSpan(name="before"),
        HandMadeSpan(name="bad", **BAD_SPANS[bad]),
        HandMadeSpan(name="after"),
    ]
    failures = EncodingFailures()
    body = _json_encoding.encode_request(spans, failures)
    assert _sent_names(body) == ["before", "after"]
    assert failures.dropped == 1
    assert failures.first_error is not None
    assert body == _json_encoding.encode_request([spans[0], spans[2]])
    with pytest.raises(type(failures.first_error)):
        _json_encoding.encode_request(spans)  # without a record: the error is raised


def test_time_that_is_not_an_integer_is_named_in_the_error():
    failures = EncodingFailures()
    _json_encoding.encode_request([HandMadeSpan(start_time=1.5)], failures)
    assert isinstance(failures.first_error, TypeError)
    assert re_search(r"\binteger\b.*\bfloat\b", str(failures.first_error))


@pytest.mark.parametrize(
    "bad",
    [
        dict(events=[trace_api.Event(404, {}, 5)]),
        dict(events=[trace_api.Event(404, {}, Nanoseconds(5))]),
        dict(instrumentation_info=InstrumentationInfo(404, "1")),
        dict(instrumentation_info=InstrumentationInfo("lib", 404)),
    ],
)
def test_name_that_is_not_text_leaves_the_span_out_and_is_named_in_the_error(bad):
    """Written as it is, it would make the backend reject the whole request."""
    failures = EncodingFailures()
    assert _sent_names(_json_encoding.encode_request([HandMadeSpan(**bad)], failures)) == []
    assert failures.dropped == 1
    assert isinstance(failures.first_error, TypeError)
    assert re_search(r"\btext\b.*\b(int|float)\b", str(failures.first_error))


@pytest.mark.parametrize("time", [-1, UINT64_MAX + 1])
def test_time_outside_fixed64_is_named_in_the_error(time):
    failures = EncodingFailures()
    _json_encoding.encode_request([HandMadeSpan(start_time=time)], failures)
    assert isinstance(failures.first_error, ValueError)
    assert re_search(r"\btime {}\b.*\boutside\b".format(time), str(failures.first_error))


def re_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None


def test_spans_of_a_resource_that_cannot_be_encoded_are_left_out_and_counted():
    broken = types.SimpleNamespace()  # no labels
    spans = [
        HandMadeSpan(name="a", resource=broken, instrumentation_info=InstrumentationInfo("x", "")),
        HandMadeSpan(name="b", resource=broken, instrumentation_info=None),
        HandMadeSpan(name="c", resource=broken, instrumentation_info=None),
        HandMadeSpan(name="kept"),
    ]
    failures = EncodingFailures()
    body = _json_encoding.encode_request(spans, failures)
    assert _sent_names(body) == ["kept"]
    assert failures.dropped == 3
    assert isinstance(failures.first_error, AttributeError)
    with pytest.raises(AttributeError):
        _json_encoding.encode_request(spans)


def test_spans_of_a_scope_that_cannot_be_encoded_are_left_out_and_counted():
    spans = [
        HandMadeSpan(name="a", instrumentation_info="not a scope"),
        HandMadeSpan(name="b", instrumentation_info="not a scope"),
        HandMadeSpan(name="kept"),
        HandMadeSpan(name="other resource", resource=HandMadeResource({"service.name": "2"})),
    ]
    failures = EncodingFailures()
    body = _json_encoding.encode_request(spans, failures)
    assert _sent_names(body) == ["kept", "other resource"]
    assert failures.dropped == 2
    assert isinstance(failures.first_error, AttributeError)
    with pytest.raises(AttributeError):
        _json_encoding.encode_request(spans)


def test_span_that_cannot_be_grouped_is_left_out_and_counted():
    spans = [HandMadeSpan(name="bad", instrumentation_info=["unhashable"]), HandMadeSpan()]
    failures = EncodingFailures()
    body = _json_encoding.encode_request(spans, failures)
    assert _sent_names(body) == ["hand-made"]
    assert failures.dropped == 1 and isinstance(failures.first_error, TypeError)


def test_batch_of_only_spans_that_cannot_be_encoded_is_an_empty_request():
    failures = EncodingFailures()
    spans = [HandMadeSpan(start_time=1.5), HandMadeSpan(instrumentation_info="not a scope")]
    assert _json_encoding.encode_request(spans, failures) == b'{"resourceSpans":[]}'
    assert failures.dropped == 2


# -- the key cache ------------------------------------------------------------------


def test_key_cache_stays_within_its_bound_at_exactly_one_key_past_it(monkeypatch):
    monkeypatch.setattr(_json_encoding, "_key_prefixes", {})
    limit = _json_encoding._MAX_CACHED_KEYS
    full = HandMadeSpan(
        attributes={"key.{}".format(n): n for n in range(limit)},
        resource=HandMadeResource({}),
    )
    assert_encodes_as_prescribed([full])
    assert len(_json_encoding._key_prefixes) == limit
    one_more = HandMadeSpan(attributes={"one.more": 1}, resource=HandMadeResource({}))
    assert_encodes_as_prescribed([one_more])
    assert 0 < len(_json_encoding._key_prefixes) <= limit


# -- responses ----------------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"  \n", b"{}", b'{"partialSuccess":{}}'])
def test_empty_or_default_success_response_is_a_full_success(body):
    assert _json_encoding.decode_partial_success(body) is None
    assert _json_encoding.decode_error_message(body) == ""


@pytest.mark.parametrize(
    "body, pattern",
    [
        (b"[1, 2]", r"\bJSON object\b"),
        (b'"text"', r"\bJSON object\b"),
        (b'{"partialSuccess": [1]}', r"\bpartialSuccess\b.*\bobject\b"),
        (b'{"partialSuccess": "yes"}', r"\bpartialSuccess\b.*\bobject\b"),
        (b'{"partialSuccess": {"rejectedSpans": [1]}}', r"\brejectedSpans\b.*\binteger\b"),
        (b'{"partialSuccess": {"rejectedSpans": {"n": 1}}}', r"\brejectedSpans\b.*\binteger\b"),
        (b"[" * 100_000 + b"]" * 100_000, r"\bnested\b"),
    ],
)
def test_response_that_is_not_a_partial_success_says_what_is_wrong(body, pattern):
    with pytest.raises(ValueError) as raised:
        _json_encoding.decode_partial_success(body)
    assert re_search(pattern, str(raised.value)), raised.value


def test_response_count_of_another_signal_is_named_when_it_is_wrong():
    body = b'{"partialSuccess": {"rejectedDataPoints": [3]}}'
    with pytest.raises(ValueError, match=r"\brejectedDataPoints\b"):
        _json_encoding.decode_partial_success(body, "rejectedDataPoints")
    assert _json_encoding.decode_partial_success(
        b'{"partialSuccess": {"rejectedDataPoints": "3"}}', "rejectedDataPoints"
    ) == (3, "")


# -- any span at all -----------------------------------------------------------------

_SCALARS = st.one_of(
    st.text(max_size=12),
    st.booleans(),
    st.integers(),
    st.integers(min_value=INT64_MIN - 2, max_value=INT64_MIN + 2),
    st.integers(min_value=INT64_MAX - 2, max_value=INT64_MAX + 2),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([Colour.RED, Colour.HUGE, Label("sub"), Ratio(2.5)]),
)
_VALUES = st.one_of(
    _SCALARS,
    st.lists(_SCALARS, max_size=4),
    st.lists(_SCALARS, max_size=3).map(tuple),
    st.sampled_from([None, {"a": 1}, [[1]], [1, None], b"x"]),
)
_KEYS = st.one_of(st.text(max_size=10), st.sampled_from([1, None, Label("k")]))
_ATTRIBUTES = st.dictionaries(_KEYS, _VALUES, max_size=4)
_TRACE_STATES = st.lists(
    st.tuples(st.from_regex(r"[a-z][a-z0-9_]{0,5}", fullmatch=True), st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)),
    max_size=3,
    unique_by=lambda entry: entry[0],
).map(trace_api.TraceState)
_CONTEXTS = st.builds(
    trace_api.SpanContext,
    st.integers(min_value=0, max_value=(1 << 128) - 1),
    st.integers(min_value=0, max_value=UINT64_MAX),
    st.integers(min_value=0, max_value=0x3FF),
    _TRACE_STATES,
)
_TIMES = st.one_of(st.none(), st.just(0), st.integers(min_value=1, max_value=UINT64_MAX))
_STATUSES = st.one_of(
    st.sampled_from([None, UNSET_STATUS]),
    st.builds(Status, st.sampled_from(list(StatusCanonicalCode)), st.none() | st.text(max_size=8)),
)
_COUNTS = st.integers(min_value=0, max_value=1000)
_RESOURCES = st.sampled_from(
    [HandMadeResource({}), HandMadeResource({"service.name": "a", "n": 1, "bad": None})]
)
_SCOPES = st.sampled_from(
    [None, InstrumentationInfo("web", "1.2"), InstrumentationInfo("db", ""), InstrumentationInfo("", "")]
)
_SPANS = st.builds(
    HandMadeSpan,
    name=st.text(max_size=10) | st.integers(),
    context=_CONTEXTS,
    parent_context=st.none() | _CONTEXTS,
    kind=st.sampled_from(list(trace_api.SpanKind) + [None]),
    start_time=_TIMES,
    end_time=_TIMES,
    attributes=_ATTRIBUTES,
    dropped_attributes=_COUNTS,
    events=st.lists(
        st.builds(trace_api.Event, st.text(max_size=8), _ATTRIBUTES, st.integers(0, UINT64_MAX)),
        max_size=3,
    ),
    dropped_events=_COUNTS,
    links=st.lists(st.builds(trace_api.Link, _CONTEXTS, _ATTRIBUTES), max_size=3),
    dropped_links=_COUNTS,
    status=_STATUSES,
    resource=_RESOURCES,
    instrumentation_info=_SCOPES,
)


@given(st.lists(_SPANS, max_size=4))
def test_any_batch_of_spans_is_sent_as_the_otlp_mapping_prescribes(spans):
    assert_encodes_as_prescribed(spans)

