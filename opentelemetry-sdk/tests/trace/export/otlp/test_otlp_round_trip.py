"""Every span field survives the trip through the exporter and the official OTLP schema.

The receiver's bodies are decoded with the ``opentelemetry-proto`` package
from PyPI and compared with a request built here, field by field, from the
SDK spans and the OTLP specification's mapping: the exporter's encoders are
checked against the schema, not against themselves.
"""

import base64
import enum
import json
import math

import pytest
from google.protobuf import json_format

from opentelemetry import trace as trace_api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanLimits, TracerSource
from opentelemetry.sdk.trace.span import UNSET_STATUS
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # a dev requirement
from opentelemetry.trace.status import Status, StatusCanonicalCode

INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)

EVERY_ATTRIBUTE_TYPE = {
    "text": "héllo 日本",
    "long.text": "a long value: its length takes two varint bytes " * 4,
    "long.unicode": "日本語" * 50,
    "empty": "",
    "yes": True,
    "no": False,
    "zero": 0,
    "negative": -42,
    "int64.max": INT64_MAX,
    "int64.min": INT64_MIN,
    "past.int64": 1 << 64,
    "float": 2.5,
    "infinity": float("inf"),
    "minus.infinity": float("-inf"),
    "strings": ["a", "", "ü"],
    "bools": [True, False],
    "ints": [1, -2, 3],
    "floats": [0.5, -1.25],
    "numbers": [1, 2.5],
    "nothing": [],
}


def spans_with_every_feature():
    """Ended spans covering every field: two resources, three scopes, all kinds and statuses."""
    finished = InMemorySpanExporter()
    shop = TracerSource(
        shutdown_on_exit=False,
        resource=Resource({"service.name": "shop", "host.name": "h1"}),
        span_limits=SpanLimits(max_attributes=len(EVERY_ATTRIBUTE_TYPE), max_events=2, max_links=1),
    )
    worker = TracerSource(shutdown_on_exit=False, resource=Resource({"service.name": "worker"}))
    for source in (shop, worker):
        source.add_span_processor(SimpleExportSpanProcessor(finished))
    web = shop.get_tracer("web", "2.1")
    database = shop.get_tracer("database")
    remote_parent = trace_api.SpanContext(
        0x0AF7651916CD43DD8448EB211C80319C,
        0xB7AD6B7169203331,
        trace_api.TraceOptions(trace_api.TraceOptions.SAMPLED),
        trace_api.TraceState([("congo", "t61rcWkgMzE"), ("rojo@vendor", "00f067aa0ba902b7")]),
    )
    linked = trace_api.SpanContext(
        0x1, 0xFFFFFFFFFFFFFFFF, trace_api.TraceOptions(0), trace_api.TraceState({"k": "v"})
    )
    links = [
        trace_api.Link(remote_parent),  # evicted by max_links=1
        trace_api.Link(linked, {"link.weight": 3, "link.names": ["x", "y"]}),
    ]
    with web.start_as_current_span(
        "GET /cart ✓",
        parent=remote_parent,
        kind=trace_api.SpanKind.SERVER,
        attributes=EVERY_ATTRIBUTE_TYPE,
        links=links,
    ) as server:
        server.set_attribute("one.more", "evicts the oldest attribute")
        server.add_event("first", {"n": 1}, timestamp=1_600_000_000_000_000_001)
        server.add_event("second")
        server.add_event("third", {"ok": True, "ratio": 0.25})
        with database.start_as_current_span("SELECT", kind=trace_api.SpanKind.CLIENT) as query:
            query.set_status(Status(StatusCanonicalCode.DEADLINE_EXCEEDED, "took too long"))
        with database.start_as_current_span("INSERT", kind=trace_api.SpanKind.PRODUCER) as insert:
            insert.set_status(Status(StatusCanonicalCode.NOT_FOUND))
        try:
            with web.start_as_current_span("render"):
                raise ValueError("boom")
        except ValueError:
            pass
    consume = worker.get_tracer("queue", "1").start_span(
        "consume", parent=None, kind=trace_api.SpanKind.CONSUMER
    )
    consume.set_status(Status(StatusCanonicalCode.OK))
    consume.end()
    # Built by hand: no instrumentation scope, never ended (no end time, no status).
    unscoped = Span("unscoped", trace_api.SpanContext(0x2, 0x3), resource=worker.resource)
    unscoped.start(start_time=5)
    return list(finished.get_finished_spans()) + [unscoped]


# -- the expected request, from the specification's mapping ----------------


def _expected_any_value(message, value):
    if isinstance(value, bool):
        message.bool_value = value
    elif isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            message.int_value = value
        else:
            message.string_value = str(value)
    elif isinstance(value, float):
        message.double_value = value
    elif isinstance(value, str):
        message.string_value = value
    else:
        message.array_value.SetInParent()
        for element in value:
            _expected_any_value(message.array_value.values.add(), element)


def _expected_attributes(repeated, attributes):
    for key, value in attributes.items():
        key_value = repeated.add()
        key_value.key = key
        _expected_any_value(key_value.value, value)


def _trace_state_header(trace_state):
    return ",".join("{}={}".format(key, value) for key, value in trace_state.items())


def _expected_span(message, span):
    context = span.context
    message.trace_id = context.trace_id.to_bytes(16, "big")
    message.span_id = context.span_id.to_bytes(8, "big")
    message.trace_state = _trace_state_header(context.trace_state)
    if span.parent is not None:
        parent = (
            span.parent
            if isinstance(span.parent, trace_api.SpanContext)
            else span.parent.get_context()
        )
        message.parent_span_id = parent.span_id.to_bytes(8, "big")
    message.flags = int(context.trace_options)
    message.name = span.name
    message.kind = span.kind.value + 1  # INTERNAL=1 ... CONSUMER=5
    message.start_time_unix_nano = span.start_time or 0
    message.end_time_unix_nano = span.end_time or 0
    _expected_attributes(message.attributes, span.attributes)
    message.dropped_attributes_count = span.dropped_attributes
    for event in span.events:
        event_message = message.events.add()
        event_message.time_unix_nano = event.timestamp
        event_message.name = event.name
        _expected_attributes(event_message.attributes, event.attributes)
    message.dropped_events_count = span.dropped_events
    for link in span.links:
        link_message = message.links.add()
        link_message.trace_id = link.context.trace_id.to_bytes(16, "big")
        link_message.span_id = link.context.span_id.to_bytes(8, "big")
        link_message.trace_state = _trace_state_header(link.context.trace_state)
        link_message.flags = int(link.context.trace_options)
        _expected_attributes(link_message.attributes, link.attributes)
    message.dropped_links_count = span.dropped_links
    # A status never set (None, or the OK an ended span gets) is UNSET: no field.
    if span.status is not None and span.status is not UNSET_STATUS:
        if span.status.canonical_code is StatusCanonicalCode.OK:
            message.status.code = 1  # STATUS_CODE_OK
        else:
            message.status.code = 2  # STATUS_CODE_ERROR
            message.status.message = span.status.description or span.status.canonical_code.name


def expected_request(spans):
    """The request the OTLP mapping prescribes: spans grouped by resource, then scope."""
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
                scope_message.scope.name = scope.name
                scope_message.scope.version = scope.version
            for span in scope_spans:
                _expected_span(scope_message.spans.add(), span)
    return request


# -- decoding what the receiver got ---------------------------------------

_ID_LENGTHS = {"traceId": 32, "spanId": 16, "parentSpanId": 16}


def _walk_json(value, visit):
    if isinstance(value, dict):
        visit(value)
        for child in value.values():
            _walk_json(child, visit)
    elif isinstance(value, list):
        for child in value:
            _walk_json(child, visit)


def decode_json(body):
    """Parse OTLP/JSON with the official schema, after checking OTLP's JSON rules.

    OTLP/JSON writes ids as hex where proto3 JSON has base64, so ids are
    checked and converted first.
    """
    document = json.loads(body.decode("utf-8"))

    def check_object(obj):
        for key in obj:
            assert "_" not in key, "not lowerCamelCase: " + key
        for key, length in _ID_LENGTHS.items():
            if key in obj:
                hex_id = obj[key]
                assert len(hex_id) == length and hex_id == hex_id.lower(), hex_id
                obj[key] = base64.b64encode(bytes.fromhex(hex_id)).decode("ascii")
        for key in ("startTimeUnixNano", "endTimeUnixNano", "timeUnixNano", "intValue"):
            if key in obj:
                assert isinstance(obj[key], str), "64-bit integers are strings: " + key
        for key in ("kind", "code"):
            if key in obj:
                assert isinstance(obj[key], int), "enums are integers: " + key

    _walk_json(document, check_object)
    return json_format.ParseDict(document, trace_service_pb2.ExportTraceServiceRequest())


def decode_protobuf(body):
    request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
    # A field written with the wrong number or wire type would survive parsing
    # only as an unknown field, which the re-serialisation would carry.
    assert request == trace_service_pb2.ExportTraceServiceRequest.FromString(
        request.SerializeToString()
    )
    return request


@pytest.mark.parametrize("compression", ["none", "gzip"])
@pytest.mark.parametrize(
    "encoding, content_type, decode",
    [
        ("protobuf", "application/x-protobuf", decode_protobuf),
        ("json", "application/json", decode_json),
    ],
)
def test_every_field_round_trips_through_the_official_schema(
    receiver, encoding, content_type, decode, compression
):
    spans = spans_with_every_feature()
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding, compression=compression)

    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()

    (request,) = receiver.requests
    assert request.path == "/v1/traces"
    assert request.headers["Content-Type"] == content_type
    if compression == "gzip":
        assert request.headers["Content-Encoding"] == "gzip"
        assert request.raw_body[:2] == b"\x1f\x8b"
    else:
        assert "Content-Encoding" not in request.headers
    decoded = decode(request.body)
    expected = expected_request(spans)
    assert decoded == expected, "{}\n!=\n{}".format(decoded, expected)


def test_round_trip_covers_what_it_claims():
    """Guards the fixture: a regression in it would make the round trip prove less."""
    spans = spans_with_every_feature()
    request = expected_request(spans)
    kinds = {span.kind for span in spans}
    assert kinds == set(trace_api.SpanKind)
    assert len(request.resource_spans) == 2
    assert [len(r.scope_spans) for r in request.resource_spans] == [2, 2]
    server = next(span for span in spans if span.name.startswith("GET"))
    assert server.dropped_attributes and server.dropped_events and server.dropped_links
    assert server.context.trace_state and server.links[0].context.trace_state
    codes = {span.status.canonical_code for span in spans if span.status is not None}
    assert {
        StatusCanonicalCode.OK,
        StatusCanonicalCode.NOT_FOUND,
        StatusCanonicalCode.UNKNOWN,
    } <= codes
    assert any(span.status is None for span in spans)
    assert any(span.status is UNSET_STATUS for span in spans)
    assert any(
        span.status is not UNSET_STATUS and span.status.canonical_code is StatusCanonicalCode.OK
        for span in spans
        if span.status is not None
    )


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_status_never_set_is_unset_explicit_ok_stays_ok_and_errors_keep_their_message(
    receiver, encoding
):
    source = TracerSource(shutdown_on_exit=False)
    spans = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(spans))
    tracer = source.get_tracer("status")
    with tracer.start_as_current_span("never set"):
        pass
    with tracer.start_as_current_span("explicit ok") as span:
        span.set_status(Status(StatusCanonicalCode.OK))
    with tracer.start_as_current_span("error") as span:
        span.set_status(Status(StatusCanonicalCode.UNAVAILABLE, "database down"))
    assert all(span.status.is_ok for span in spans.get_finished_spans()[:2])  # v0.3 reads OK
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)
    assert exporter.export(spans.get_finished_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()
    (request,) = receiver.requests
    decode = decode_protobuf if encoding == "protobuf" else decode_json
    decoded = decode(request.body).resource_spans[0].scope_spans[0].spans
    statuses = {
        span.name: (span.HasField("status"), span.status.code, span.status.message)
        for span in decoded
    }
    assert statuses == {
        "never set": (False, 0, ""),  # STATUS_CODE_UNSET
        "explicit ok": (True, 1, ""),  # STATUS_CODE_OK
        "error": (True, 2, "database down"),  # STATUS_CODE_ERROR
    }


def test_span_kinds_map_to_otlp_numbers(receiver):
    source = TracerSource(shutdown_on_exit=False)
    spans = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(spans))
    tracer = source.get_tracer("kinds")
    for kind in trace_api.SpanKind:
        tracer.start_span(kind.name, kind=kind).end()
    exporter = OTLPSpanExporter(receiver.endpoint)
    exporter.export(spans.get_finished_spans())
    exporter.shutdown()

    decoded = decode_protobuf(receiver.requests[0].body)
    kinds = {span.name: span.kind for span in decoded.resource_spans[0].scope_spans[0].spans}
    pb = trace_service_pb2.opentelemetry_dot_proto_dot_trace_dot_v1_dot_trace__pb2.Span
    assert kinds == {
        "INTERNAL": pb.SPAN_KIND_INTERNAL,
        "SERVER": pb.SPAN_KIND_SERVER,
        "CLIENT": pb.SPAN_KIND_CLIENT,
        "PRODUCER": pb.SPAN_KIND_PRODUCER,
        "CONSUMER": pb.SPAN_KIND_CONSUMER,
    }


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_nan_attribute_arrives_as_nan(receiver, encoding):
    span = Span("nan", trace_api.SpanContext(1, 1), attributes={"x": float("nan")})
    span.start()
    span.end()
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)
    exporter.export([span])
    exporter.shutdown()

    body = receiver.requests[0].body
    decoded = decode_protobuf(body) if encoding == "protobuf" else decode_json(body)
    value = decoded.resource_spans[0].scope_spans[0].spans[0].attributes[0].value
    assert math.isnan(value.double_value)


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_unsupported_event_attribute_is_left_out_and_counted(receiver, encoding):
    class UncheckedSpan(Span):
        """Events that skipped the SDK's checks, as a custom span or processor may hand over."""

        @property
        def events(self):
            return (trace_api.Event("odd", {"ok": 1, "dict": {"a": 1}, "none": None}, 7),)

    span = UncheckedSpan("unchecked", trace_api.SpanContext(1, 1))
    span.start()
    span.end()
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)
    assert exporter.export([span]) is SpanExportResult.SUCCESS
    exporter.shutdown()

    body = receiver.requests[0].body
    decoded = decode_protobuf(body) if encoding == "protobuf" else decode_json(body)
    (event,) = decoded.resource_spans[0].scope_spans[0].spans[0].events
    assert [attribute.key for attribute in event.attributes] == ["ok"]
    assert event.dropped_attributes_count == 2


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_scalar_subclasses_arrive_as_plain_values_and_a_bad_array_is_left_out(receiver, encoding):
    class Level(enum.IntEnum):
        HIGH = 3

    class Name(str):
        def __str__(self):
            return "not this"

    class UncheckedSpan(Span):
        """Events that skipped the SDK's checks, as a custom span or processor may hand over."""

        @property
        def events(self):
            attributes = {
                "level": Level.HIGH,
                "name": Name("shop"),
                "ratio": Ratio(0.5),
                "levels": [Level.HIGH, 1],
                "mixed": [1, {"a": 1}],
            }
            return (trace_api.Event("odd", attributes, 7),)

    class Ratio(float):
        pass

    span = UncheckedSpan("unchecked", trace_api.SpanContext(1, 1))
    span.start()
    span.end()
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)
    assert exporter.export([span]) is SpanExportResult.SUCCESS
    exporter.shutdown()

    body = receiver.requests[0].body
    decoded = decode_protobuf(body) if encoding == "protobuf" else decode_json(body)
    (event,) = decoded.resource_spans[0].scope_spans[0].spans[0].events
    values = {attribute.key: attribute.value for attribute in event.attributes}
    assert values["level"].int_value == 3
    assert values["name"].string_value == "shop"
    assert values["ratio"].double_value == 0.5
    assert [v.int_value for v in values["levels"].array_value.values] == [3, 1]
    assert "mixed" not in values
    assert event.dropped_attributes_count == 1


def test_protobuf_bytes_equal_the_official_serializer():
    """Fields in number order and proto3 defaults left out, as protobuf writes them itself."""
    from opentelemetry.sdk.trace.export.otlp import _protobuf_encoding

    spans = spans_with_every_feature()
    assert _protobuf_encoding.encode_request(spans) == expected_request(spans).SerializeToString()


def _spans_with_text_to_escape():
    """Names, keys and values that JSON must escape, and one long enough for two length bytes."""
    finished = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, resource=Resource({'se"rvice': "a\\b"}))
    source.add_span_processor(SimpleExportSpanProcessor(finished))
    tracer = source.get_tracer('lib "quoted"', "1\n2")
    tricky = 'quote " backslash \\ newline \n tab \t nul \x00 del \x7f é 日本 \u2028 😀'
    attributes = {tricky: tricky, "long": tricky * 9}
    with tracer.start_as_current_span(tricky, attributes=attributes) as span:
        span.add_event(tricky, {"k": tricky})
        span.set_status(Status(StatusCanonicalCode.INTERNAL, tricky))
    return finished.get_finished_spans()


@pytest.mark.parametrize("make_spans", [spans_with_every_feature, _spans_with_text_to_escape])
def test_json_is_what_the_standard_json_encoder_writes(make_spans):
    """The JSON is written by hand, as the text ``json.dumps`` gives the same objects, compact."""
    from opentelemetry.sdk.trace.export.otlp import _json_encoding

    body = _json_encoding.encode_request(make_spans())
    canonical = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":"))
    assert body == canonical.encode("utf-8")
    decode_json(body)


def test_protobuf_bytes_stay_equal_once_the_encoder_caches_are_warm():
    """Attribute keys and int values are cached after the first batch; the bytes do not change."""
    from opentelemetry.sdk.trace.export.otlp import _protobuf_encoding

    spans = spans_with_every_feature()
    expected = expected_request(spans).SerializeToString()
    assert _protobuf_encoding.encode_request(spans) == expected
    assert _protobuf_encoding.encode_request(spans) == expected
    escaped = _spans_with_text_to_escape()
    expected = expected_request(escaped).SerializeToString()
    assert _protobuf_encoding.encode_request(escaped) == expected


def test_encoder_caches_stay_bounded_with_unbounded_keys_and_values():
    from opentelemetry.sdk.trace.export.otlp import _json_encoding, _protobuf_encoding

    limit = _protobuf_encoding._MAX_CACHED_KEYS
    span = Span(
        "many", trace_api.SpanContext(1, 1),
        attributes={"key.{}".format(n): n for n in range(limit + 10)},
        limits=SpanLimits(max_attributes=limit + 10),
    )
    span.start()
    span.end()
    _protobuf_encoding.encode_request([span])
    _json_encoding.encode_request([span])
    assert 0 < len(_protobuf_encoding._key_prefixes) <= limit
    assert 0 < len(_protobuf_encoding._int_values) <= limit
    assert 0 < len(_json_encoding._key_prefixes) <= _json_encoding._MAX_CACHED_KEYS


def _spans_with_links_of_every_flag():
    """Links whose flags are 0, sampled, and with reserved bits; a parent given as a context."""
    finished = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(finished))
    tracer = source.get_tracer("links")
    links = [
        trace_api.Link(trace_api.SpanContext(0xA, 0x1, trace_api.TraceOptions(flags)), {"f": flags})
        for flags in (0, 1, 0x81)
    ]
    parent = trace_api.SpanContext(0xA, 0x2, trace_api.TraceOptions(1))
    with tracer.start_as_current_span("linked", parent=parent, links=links) as span:
        span.add_event("plain")
    return finished.get_finished_spans()


@pytest.mark.parametrize(
    "encoding, decode", [("protobuf", decode_protobuf), ("json", decode_json)]
)
def test_links_keep_their_flags_through_the_official_schema(receiver, encoding, decode):
    spans = _spans_with_links_of_every_flag()
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    assert exporter.export(spans) is SpanExportResult.SUCCESS
    exporter.shutdown()

    decoded = decode(receiver.requests[0].body)
    assert decoded == expected_request(spans)
    [link_flags] = [
        [link.flags for link in span.links]
        for resource in decoded.resource_spans
        for scope in resource.scope_spans
        for span in scope.spans
    ]
    assert link_flags == [0, 1, 0x81]
