"""The hand-written protobuf encoder writes, byte for byte, what the official serializer writes.

Spans of every shape are encoded and the bytes compared with the
``SerializeToString()`` of the request the OTLP mapping prescribes, built here
with the ``opentelemetry-proto`` messages (a dev requirement). Besides the
SDK's own spans, the strategies build spans outside the SDK's checks (a custom
span class or processor may hand any object over): attribute values OTLP has
no form for, which are left out and counted in the span's, event's or link's
``dropped_attributes_count``; subclasses of the scalar types, written as their
plain value; kinds, names and trace flags of unexpected types.
"""

import enum
import re
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opentelemetry import trace as trace_api
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # a dev requirement
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanLimits
from opentelemetry.sdk.trace.export.otlp import _protobuf_encoding
from opentelemetry.sdk.trace.export.otlp._encoding_failures import EncodingFailures
from opentelemetry.sdk.trace.instrumentation import InstrumentationInfo
from opentelemetry.sdk.trace.span import UNSET_STATUS
from opentelemetry.trace.status import Status, StatusCanonicalCode

INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
UINT64_MAX = (1 << 64) - 1

# -- the request the OTLP mapping prescribes, with the official messages ----


def _utf8(text):
    """What a protobuf string can hold: valid UTF-8, a lone surrogate replaced by ``?``."""
    return text.encode("utf-8", "replace").decode("utf-8")


def _is_scalar(value):
    return isinstance(value, (str, int, float))  # bool is an int


def _has_any_value(value):
    """Whether OTLP's ``AnyValue`` holds ``value``: a scalar, or a list or tuple of scalars."""
    if type(value) in (list, tuple):
        return all(_is_scalar(element) for element in value)
    return _is_scalar(value)


def _set_scalar(message, value):
    if isinstance(value, bool):
        message.bool_value = bool(value)
    elif isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            message.int_value = int(value)
        else:  # past int64: the decimal string keeps the value exactly
            message.string_value = str(int(value))
    elif isinstance(value, float):
        message.double_value = float(value)
    else:
        message.string_value = _utf8(str.__str__(value))


def _expected_attributes(repeated, attributes):
    """Add the ``KeyValue`` of each attribute OTLP can hold; return how many it cannot."""
    skipped = 0
    for key, value in attributes.items():
        if type(key) is not str or not _has_any_value(value):
            skipped += 1
            continue
        key_value = repeated.add()
        key_value.key = _utf8(key)
        if type(value) in (list, tuple):
            key_value.value.array_value.SetInParent()
            for element in value:
                _set_scalar(key_value.value.array_value.values.add(), element)
        else:
            _set_scalar(key_value.value, value)
    return skipped


def _trace_state_header(trace_state):
    return ",".join("{}={}".format(key, value) for key, value in trace_state.items())


_OTLP_KINDS = {kind: kind.value + 1 for kind in trace_api.SpanKind}  # INTERNAL=1 ... CONSUMER=5


def _expected_span(message, span):
    context = span.context
    message.trace_id = context.trace_id.to_bytes(16, "big")
    message.span_id = context.span_id.to_bytes(8, "big")
    message.trace_state = _utf8(_trace_state_header(context.trace_state))
    parent = span.parent_context
    if parent is not None and parent.span_id:
        message.parent_span_id = parent.span_id.to_bytes(8, "big")
    message.flags = int(context.trace_options) & 0xFF
    message.name = _utf8(str(span.name)) if span.name else ""
    message.kind = _OTLP_KINDS.get(span.kind, 1)  # anything else: INTERNAL
    message.start_time_unix_nano = span.start_time or 0
    message.end_time_unix_nano = span.end_time or 0
    skipped = _expected_attributes(message.attributes, span.attributes)
    message.dropped_attributes_count = span.dropped_attributes + skipped
    for event in span.events:
        event_message = message.events.add()
        event_message.time_unix_nano = event.timestamp
        event_message.name = _utf8(event.name)
        event_message.dropped_attributes_count = _expected_attributes(
            event_message.attributes, event.attributes
        )
    message.dropped_events_count = span.dropped_events
    for link in span.links:
        linked = link.context
        link_message = message.links.add()
        link_message.trace_id = linked.trace_id.to_bytes(16, "big")
        link_message.span_id = linked.span_id.to_bytes(8, "big")
        link_message.trace_state = _utf8(_trace_state_header(linked.trace_state))
        link_message.flags = int(linked.trace_options) & 0xFF
        link_message.dropped_attributes_count = _expected_attributes(
            link_message.attributes, link.attributes
        )
    message.dropped_links_count = span.dropped_links
    status = span.status
    # A status never set (None, or the OK an ended span gets) is UNSET: no field.
    if status is not None and status is not UNSET_STATUS:
        if status.canonical_code is StatusCanonicalCode.OK:
            message.status.code = 1  # STATUS_CODE_OK, no message
        else:
            message.status.code = 2  # STATUS_CODE_ERROR
            description = status.description
            message.status.message = _utf8(
                str(description) if description else status.canonical_code.name
            )


def expected_bytes(spans):
    """The official serialization of the request for ``spans``, grouped by resource, then scope."""
    groups = {}
    for span in spans:
        groups.setdefault(span.resource, {}).setdefault(span.instrumentation_info, []).append(span)
    request = trace_service_pb2.ExportTraceServiceRequest()
    for resource, scopes in groups.items():
        resource_spans = request.resource_spans.add()
        resource_spans.resource.SetInParent()
        _expected_attributes(resource_spans.resource.attributes, resource.labels)
        for scope, scope_spans in scopes.items():
            scope_message = resource_spans.scope_spans.add()
            if scope is not None:
                scope_message.scope.SetInParent()
                scope_message.scope.name = _utf8(scope.name)
                scope_message.scope.version = _utf8(scope.version)
            for span in scope_spans:
                _expected_span(scope_message.spans.add(), span)
    return request.SerializeToString()


# -- spans built outside the SDK's checks -----------------------------------


class HandMadeSpan:
    """A span as a custom span class or processor may hand it over: nothing checked."""

    def __init__(self, **fields):
        self.name = "hand made"
        self.context = trace_api.SpanContext(1, 2)
        self.parent_context = None
        self.kind = trace_api.SpanKind.INTERNAL
        self.start_time = 1
        self.end_time = 2
        self.attributes = {}
        self.dropped_attributes = 0
        self.events = ()
        self.dropped_events = 0
        self.links = ()
        self.dropped_links = 0
        self.status = None
        self.resource = Resource.create_empty()
        self.instrumentation_info = None
        self.__dict__.update(fields)


class Port(enum.IntEnum):
    HTTP = 80


class Ratio(float):
    pass


class Label(str):
    def __str__(self):
        return "not the value"  # the encoder writes the str's own characters


class Flags(int):
    pass


# -- strategies ------------------------------------------------------------

# Lengths either side of one, two and three varint bytes, counted with the
# bytes around a value (a KeyValue holds the key, tags and lengths too).
_BOUNDARY_INTS = [
    0, 1, 126, 127, 128, 16383, 16384, 2097151, 2097152, 1 << 35,
    INT64_MAX, INT64_MAX + 1, INT64_MIN, INT64_MIN - 1, -1, -128, 1 << 64, -(1 << 64),
]
_BOUNDARY_SIZES = [0, 1, 110, 115, 120, 122, 123, 124, 125, 126, 127, 128, 129, 200, 16383, 16400]

texts = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(blacklist_categories=()), max_size=6),  # lone surrogates too
    st.builds(lambda size, char: char * size, st.sampled_from(_BOUNDARY_SIZES), st.sampled_from("aé日")),
)
ints = st.one_of(st.integers(), st.sampled_from(_BOUNDARY_INTS))
floats = st.floats(allow_nan=True, allow_infinity=True)
scalars = st.one_of(texts, st.booleans(), ints, floats)
arrays = st.one_of(
    st.lists(st.one_of(st.booleans(), ints, floats, texts), max_size=4),
    st.lists(scalars, max_size=4).map(tuple),
)
# What only a span built outside the SDK's checks holds.
odd_values = st.one_of(
    st.sampled_from([None, {}, {"a": 1}, set(), b"bytes", object(), [[1]], [None], ["a", None]]),
    st.sampled_from([Port.HTTP, Ratio(0.5), Label("label"), [Port.HTTP, Label("x")]]),
    st.builds(lambda items: type("Items", (list,), {})(items), st.lists(st.integers(), max_size=2)),
)
sdk_values = st.one_of(scalars, arrays)
keys = st.one_of(st.text(min_size=1, max_size=10), st.sampled_from(["http.status", "k", "é" * 70]))
# A resource label's key may be empty, unlike an attribute's (the SDK drops those).
label_keys = st.one_of(keys, st.just(""))
sdk_attributes = st.dictionaries(keys, sdk_values, max_size=5)
odd_keys = st.sampled_from([1, None, ("a",), Label("http.status"), ""])
any_attributes = st.dictionaries(st.one_of(keys, odd_keys), st.one_of(sdk_values, odd_values), max_size=5)
uint64s = st.one_of(st.integers(0, UINT64_MAX), st.sampled_from([0, 1, UINT64_MAX]))
trace_ids = st.integers(1, (1 << 128) - 1)
span_ids = st.integers(1, UINT64_MAX)
trace_states = st.one_of(
    st.just(trace_api.DEFAULT_TRACE_STATE),
    st.builds(trace_api.TraceState, st.dictionaries(st.from_regex(r"\A[a-z][a-z0-9_]{0,5}\Z"), st.from_regex(r"\A[a-z0-9]{1,8}\Z"), max_size=3)),
)
trace_options = st.one_of(
    st.integers(0, 255).map(trace_api.TraceOptions), st.sampled_from([0x100, 0x181, Flags(1)])
)
contexts = st.builds(trace_api.SpanContext, trace_ids, span_ids, trace_options, trace_states)
statuses = st.one_of(
    st.none(),
    st.just(UNSET_STATUS),
    st.builds(
        Status,
        st.sampled_from(list(StatusCanonicalCode)),
        st.one_of(st.none(), texts),
    ),
)
events = st.builds(trace_api.Event, texts, any_attributes, uint64s)
links = st.builds(trace_api.Link, contexts, any_attributes)
kinds = st.one_of(st.sampled_from(list(trace_api.SpanKind)), st.sampled_from(["server", 3, None]))
resources = st.builds(Resource, st.dictionaries(label_keys, texts, max_size=3))
scopes = st.one_of(st.none(), st.builds(InstrumentationInfo, texts, texts))
counts = st.one_of(st.integers(0, 200), st.sampled_from([127, 128, 16384, (1 << 32) - 100]))


@st.composite
def hand_made_spans(draw):
    return HandMadeSpan(
        name=draw(st.one_of(texts, st.sampled_from([42, Label("label")]))),
        context=draw(contexts),
        parent_context=draw(st.one_of(st.none(), contexts, st.builds(trace_api.SpanContext, trace_ids, st.just(0)))),
        kind=draw(kinds),
        start_time=draw(st.one_of(st.none(), uint64s)),
        end_time=draw(st.one_of(st.none(), uint64s)),
        attributes=draw(any_attributes),
        dropped_attributes=draw(counts),
        events=draw(st.lists(events, max_size=3)),
        dropped_events=draw(counts),
        links=draw(st.lists(links, max_size=3)),
        dropped_links=draw(counts),
        status=draw(statuses),
        resource=draw(resources),
        instrumentation_info=draw(scopes),
    )


@st.composite
def sdk_spans(draw):
    span = Span(
        draw(texts),
        draw(contexts),
        parent=draw(st.one_of(st.none(), contexts)),
        resource=draw(resources),
        attributes=draw(sdk_attributes),
        events=draw(st.lists(st.builds(trace_api.Event, texts, sdk_attributes, uint64s), max_size=3)),
        links=draw(st.lists(st.builds(trace_api.Link, contexts, sdk_attributes), max_size=3)),
        kind=draw(st.sampled_from(list(trace_api.SpanKind))),
        instrumentation_info=draw(scopes),
        limits=SpanLimits(max_attributes=3, max_events=2, max_links=2),
    )
    span.start(start_time=draw(st.integers(1, INT64_MAX)))
    status = draw(statuses)
    if status is not None and status is not UNSET_STATUS:
        span.set_status(status)
    if draw(st.booleans()):
        span.end(end_time=draw(st.integers(1, INT64_MAX)))
    return span


# -- the byte comparison, with the encoder's caches cold and warm ----------


def assert_official_bytes(spans):
    """Encoded with empty key and int caches, then again with them filled: the same bytes."""
    expected = expected_bytes(spans)
    with mock.patch.object(_protobuf_encoding, "_key_prefixes", {}), mock.patch.object(
        _protobuf_encoding, "_int_values", {}
    ):
        failures = EncodingFailures()
        assert _protobuf_encoding.encode_request(spans, failures) == expected
        assert failures.dropped == 0
        assert _protobuf_encoding.encode_request(spans) == expected


def stable_id(value):
    """A test id the same in every process, and plain ASCII: mutmut reruns each test by its id."""
    text = repr(value)
    if " at 0x" in text:  # an address changes from one process to the next
        text = type(value).__name__
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", text)[:60]


# -- properties -------------------------------------------------------------


@given(st.lists(sdk_spans(), max_size=4))
def test_sdk_spans_encode_to_the_official_serializers_bytes(spans):
    assert_official_bytes(spans)


@given(st.lists(st.one_of(hand_made_spans(), sdk_spans()), max_size=4))
def test_unchecked_spans_encode_to_the_official_bytes_with_unencodable_values_counted(spans):
    assert_official_bytes(spans)


# -- every kind of value, in every place that holds attributes --------------

VALUES = [
    "", "text", "héllo 日本", "lone \ud800 surrogate", "x" * 200,
    True, False,
    *_BOUNDARY_INTS, 300, -300,
    0.0, -0.0, 2.5, -1e300, float("inf"), float("-inf"), float("nan"),
    [], (), ["a", "", "ü"], [True, False], [0, 1, -1, 127, 128, 16383, 16384, 2097151, 2097152],
    [INT64_MAX, INT64_MIN, INT64_MAX + 1, INT64_MIN - 1], (0.5, -1.25), ["x" * 130], ["x"] * 40,
    # Subclasses of the scalar types: written as their plain value.
    Port.HTTP, Ratio(0.25), Label("label"), [Port.HTTP, Ratio(1.5), Label("y")], (Port.HTTP,),
    # No AnyValue: left out and counted.
    None, {}, {"a": 1}, set(), b"bytes", object(), [[1]], [None], ["a", None], [1, (2,)],
    type("Items", (list,), {})([1]),
]


@pytest.mark.parametrize("value", VALUES, ids=stable_id)
def test_each_value_is_written_as_the_official_any_value_or_left_out_and_counted(value):
    linked = trace_api.SpanContext(3, 4)
    spans = [
        HandMadeSpan(attributes={"key": value, "other": 1}),
        HandMadeSpan(attributes={"key": value}, dropped_attributes=5),
        HandMadeSpan(events=[trace_api.Event("event", {"key": value, "other": 1}, 9)]),
        HandMadeSpan(links=[trace_api.Link(linked, {"key": value, "other": 1})]),
        HandMadeSpan(attributes={"k" * 130: value}),  # a KeyValue past one length byte
    ]
    assert_official_bytes(spans)


@pytest.mark.parametrize("key", [1, None, ("a",), Label("key"), b"key"], ids=stable_id)
def test_attributes_with_keys_other_than_plain_str_are_left_out_and_counted(key):
    # The first span caches the prefix of "key": a str subclass equal to it must not borrow it.
    spans = [HandMadeSpan(attributes={"key": 1}), HandMadeSpan(attributes={key: 1}, dropped_attributes=2)]
    assert_official_bytes(spans)
    decoded = trace_service_pb2.ExportTraceServiceRequest.FromString(
        _protobuf_encoding.encode_request(spans)
    )
    first, second = decoded.resource_spans[0].scope_spans[0].spans
    assert [attribute.key for attribute in first.attributes] == ["key"]
    assert (list(second.attributes), second.dropped_attributes_count) == ([], 3)


def test_resource_labels_with_an_empty_key_or_value_encode_as_protobuf_would():
    resource = Resource({"": "empty key", "empty value": "", "service.name": "shop"})
    assert_official_bytes([HandMadeSpan(resource=resource)])


# -- lengths either side of one, two and three varint bytes ------------------

_SIZES = [*range(0, 140), *range(16250, 16400)]


def _texts(size):
    """Texts of ``size`` UTF-8 bytes."""
    return ["a" * size, "é" * (size // 2) + "a" * (size % 2)]


@pytest.mark.parametrize("size", _SIZES, ids=stable_id)
def test_text_fields_of_every_length_near_a_varint_boundary(size):
    spans = []
    for text in _texts(size):
        spans += [
            HandMadeSpan(name=text),
            HandMadeSpan(attributes={"k": text}),
            HandMadeSpan(attributes={text or "k": 7}),
            HandMadeSpan(attributes={text or "k": 2.5}),
            HandMadeSpan(attributes={"k": [text]}),
            HandMadeSpan(events=[trace_api.Event(text, {}, 0)]),
            HandMadeSpan(events=[trace_api.Event("e", {"k": text}, 1)]),
            HandMadeSpan(links=[trace_api.Link(trace_api.SpanContext(1, 1), {"k": text})]),
            HandMadeSpan(status=Status(StatusCanonicalCode.INTERNAL, text)),
            HandMadeSpan(instrumentation_info=InstrumentationInfo(text, text)),
            HandMadeSpan(resource=Resource({"k": text})),
        ]
    if 20 <= size <= 4300:  # an int past int64 is its decimal string, of ``size`` digits
        spans.append(HandMadeSpan(attributes={"k": 10 ** (size - 1)}))
    assert_official_bytes(spans)


def test_span_messages_around_16384_bytes_where_the_length_takes_three_bytes():
    sizes = set()
    for size in range(16300, 16400):
        span = HandMadeSpan(attributes={"k": "a" * size})
        request = trace_service_pb2.ExportTraceServiceRequest.FromString(expected_bytes([span]))
        sizes.add(request.resource_spans[0].scope_spans[0].spans[0].ByteSize())
        assert_official_bytes([span])
    assert {16383, 16384} <= sizes  # the test reaches the boundary it claims


def test_large_varints_in_every_byte_count():
    values = [1 << bits for bits in range(0, 64, 7)] + [(1 << bits) - 1 for bits in range(7, 64, 7)]
    assert_official_bytes([HandMadeSpan(attributes={"ints": values}, dropped_attributes=1 << 31)])
    assert_official_bytes([HandMadeSpan(attributes={"text": "a" * 2097152})])


# -- span fields of spans built outside the SDK's checks ---------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "server"},
        {"kind": None},
        {"kind": 3},
        {"name": 42},
        {"name": 0},
        {"name": Label("label")},
        {"name": "lone \udfff surrogate"},
        {"events": [trace_api.Event("lone \udfff surrogate", {}, 1)]},
        {"start_time": None, "end_time": 5},
        {"start_time": 5, "end_time": None},
        {"start_time": None, "end_time": None},
        {"start_time": 0, "end_time": UINT64_MAX},
        {"context": trace_api.SpanContext(1, 2, 0x181)},
        {"context": trace_api.SpanContext(1, 2, Flags(0x100))},
        {"context": trace_api.SpanContext(1, 2, Flags(3))},
        {"context": trace_api.SpanContext(1, 2, trace_state={})},
        {"context": trace_api.SpanContext(1, 2, trace_state=trace_api.TraceState())},
        {"context": trace_api.SpanContext(1, 2, trace_state=trace_api.TraceState({"k": "v" * 130}))},
        {"parent_context": trace_api.SpanContext(1, 0)},
        {"parent_context": trace_api.SpanContext(1, UINT64_MAX)},
        {"dropped_attributes": 1, "attributes": {"a": None, "b": 1}},
        {"dropped_events": 3, "dropped_links": 16384},
        {"status": Status(StatusCanonicalCode.OK, "ignored")},
        {"status": Status(StatusCanonicalCode.NOT_FOUND)},
        {"status": Status(StatusCanonicalCode.UNKNOWN, "lone \ud800")},
        {"links": [trace_api.Link(trace_api.SpanContext(5, 6, 0x181, trace_api.TraceState({"a": "b"})))]},
        {"instrumentation_info": InstrumentationInfo("", "")},
    ],
    ids=stable_id,
)
def test_hand_made_span_fields_encode_as_the_official_serializer_would(fields):
    assert_official_bytes([HandMadeSpan(**fields)])


# -- what cannot be encoded costs only itself ---------------------------------


class Unreadable:
    """An object whose every attribute read raises."""

    def __getattr__(self, name):
        raise RuntimeError("unreadable " + name)


class UnreadableLabels(Resource):
    @property
    def labels(self):
        raise RuntimeError("no labels")


def test_a_span_that_cannot_be_encoded_is_left_out_and_counted_alone():
    good = [HandMadeSpan(name="first"), HandMadeSpan(name="last")]
    bad = [
        HandMadeSpan(context=trace_api.SpanContext(1 << 128, 1)),  # a trace id past 128 bits
        HandMadeSpan(start_time=1 << 64),
        HandMadeSpan(events=[trace_api.Event("e", {}, -1)]),
    ]
    spans = [good[0], *bad, good[1]]
    failures = EncodingFailures()
    assert _protobuf_encoding.encode_request(spans, failures) == expected_bytes(good)
    assert failures.dropped == len(bad)
    assert isinstance(failures.first_error, OverflowError)
    with pytest.raises(OverflowError):
        _protobuf_encoding.encode_request(spans)


def test_a_scope_or_resource_that_cannot_be_encoded_costs_only_its_spans():
    good = [HandMadeSpan(name="first"), HandMadeSpan(name="last", instrumentation_info=InstrumentationInfo("b", ""))]
    bad_scope = InstrumentationInfo(Unreadable(), "1")
    bad_resource = UnreadableLabels({"a": "b"})
    # Groups after a bad one are still written: a resource whose every span
    # fails, then one whose labels cannot be read, then a good one.
    only_bad_spans = Resource({"service.name": "only bad spans"})
    good.append(HandMadeSpan(name="after", resource=Resource({"service.name": "after"})))
    spans = [
        good[0],
        HandMadeSpan(instrumentation_info=bad_scope),
        HandMadeSpan(instrumentation_info=bad_scope),
        HandMadeSpan(resource=only_bad_spans, start_time=-1),
        HandMadeSpan(resource=bad_resource),
        HandMadeSpan(resource=bad_resource, instrumentation_info=bad_scope),
        HandMadeSpan(resource=bad_resource, instrumentation_info=InstrumentationInfo("x", "")),
        good[1],
        good[2],
    ]
    failures = EncodingFailures()
    assert _protobuf_encoding.encode_request(spans, failures) == expected_bytes(good)
    assert failures.dropped == 6
    with pytest.raises(RuntimeError):
        _protobuf_encoding.encode_request([HandMadeSpan(resource=bad_resource)])
    with pytest.raises(RuntimeError):
        _protobuf_encoding.encode_request([HandMadeSpan(instrumentation_info=bad_scope)])


def test_a_span_that_cannot_be_grouped_is_left_out_and_counted():
    good = HandMadeSpan()
    failures = EncodingFailures()
    assert _protobuf_encoding.encode_request([Unreadable(), good], failures) == expected_bytes([good])
    assert failures.dropped == 1
    with pytest.raises(RuntimeError):
        _protobuf_encoding.encode_request([Unreadable(), good])


def test_a_request_with_no_span_left_is_empty():
    failures = EncodingFailures()
    assert _protobuf_encoding.encode_request([HandMadeSpan(start_time=-1)], failures) == b""
    assert failures.dropped == 1
    assert _protobuf_encoding.encode_request([]) == b""


# -- the caches are bounded at exactly their limit ---------------------------


@pytest.mark.parametrize("cache", ["_key_prefixes", "_int_values"], ids=stable_id)
def test_encoder_caches_hold_their_limit_and_start_again_past_it(cache):
    limit = _protobuf_encoding._MAX_CACHED_KEYS
    with mock.patch.object(_protobuf_encoding, cache, {}) as entries:
        full = HandMadeSpan(attributes={"key.{}".format(n): n for n in range(limit)})
        assert _protobuf_encoding.encode_request([full]) == expected_bytes([full])
        assert len(entries) == limit
        one_more = HandMadeSpan(attributes={"key.{}".format(limit): limit})
        assert _protobuf_encoding.encode_request([one_more]) == expected_bytes([one_more])
        assert len(entries) == 1


# -- reading responses ---------------------------------------------------------


def _response(rejected=None, message=None, unknown=b""):
    response = trace_service_pb2.ExportTraceServiceResponse()
    if rejected is not None or message is not None:
        response.partial_success.SetInParent()
    if rejected is not None:
        response.partial_success.rejected_spans = rejected
    if message is not None:
        response.partial_success.error_message = message
    return unknown + response.SerializeToString()


# Fields a newer schema may add, of every wire type: a varint (9), a fixed64
# (10), a length-delimited (11) and a fixed32 (12), all skipped.
_UNKNOWN_FIELDS = b"\x48\x05" + b"\x51" + bytes(8) + b"\x5a\x02\x0a\x00" + b"\x65" + bytes(4)


@pytest.mark.parametrize(
    "body, expected",
    [
        (b"", None),
        (_response(), None),
        (_response(300, "too old"), (300, "too old")),
        (_response(-1), (-1, "")),
        (_response(INT64_MAX), (INT64_MAX, "")),
        (_response(INT64_MIN), (INT64_MIN, "")),
        (_response(0, "note"), (0, "note")),
        (_response(2, "too old", unknown=_UNKNOWN_FIELDS), (2, "too old")),
        (_UNKNOWN_FIELDS, None),
        # partial_success with an unknown field of its own, of each wire type
        (b"\x0a\x16" + _UNKNOWN_FIELDS[:2] + b"\x08\x07" + _UNKNOWN_FIELDS[2:], (7, "")),
        (b"\x0a\x04\x1a\x02ab", None),
        (b"\x0a\x02\x10\x03", None),  # field 2 as a varint is not error_message
        (b"\x0a\x03\x0a\x01x", None),  # field 1 as bytes is not rejected_spans
        (b"\x12\x02\x08\x01", None),  # field 2 of the response is not partial_success
        (b"\x0a\x05\x12\x03\xffab", (0, "\ufffdab")),
    ],
    ids=stable_id,
)
def test_partial_success_gives_the_rejected_count_and_message(body, expected):
    assert _protobuf_encoding.decode_partial_success(body) == expected


@pytest.mark.parametrize(
    "body, message",
    [
        (b"\x08\x03\x12\x05hello", "hello"),
        (b"\x08\x03", ""),
        (b"\x08\x03\x1a\x02ab", ""),  # details (3) only: no message
        (b"\x10\x05", ""),  # field 2 as a varint is not the message
        (_UNKNOWN_FIELDS + b"\x12\x02ok", "ok"),
        (b"\x12\x03\xffab", "\ufffdab"),
    ],
    ids=stable_id,
)
def test_error_message_is_the_status_message(body, message):
    assert _protobuf_encoding.decode_error_message(body) == message


@pytest.mark.parametrize(
    "body, error",
    [
        (b"\xff\xff\xff", "malformed varint"),
        (b"\x08" + b"\xff" * 10 + b"\x01", "malformed varint"),  # past 64 bits
        (b"\x12\x05ab", "truncated field"),
        (b"\x51" + bytes(7), "truncated field"),
        (b"\x65" + bytes(3), "truncated field"),
        (b"\x0b", "unsupported wire type 3"),
        (b"\x0f", "unsupported wire type 7"),
    ],
    ids=stable_id,
)
def test_a_body_that_is_not_a_message_raises_value_error_saying_why(body, error):
    with pytest.raises(ValueError, match="^{}$".format(error)):
        _protobuf_encoding.decode_partial_success(body)
    with pytest.raises(ValueError, match="^{}$".format(error)):
        _protobuf_encoding.decode_error_message(body)


def test_a_varint_of_ten_bytes_is_read_whole():
    body = b"\x0a\x0b\x08" + b"\xff" * 9 + b"\x01"  # rejected_spans = -1, as int64 writes it
    assert _protobuf_encoding.decode_partial_success(body) == (-1, "")
