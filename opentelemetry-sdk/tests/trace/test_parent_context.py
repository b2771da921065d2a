"""The parent's context is worked out once, when the span is made, and kept on it."""

from opentelemetry import trace as trace_api
from opentelemetry.sdk.context.propagation import b3_format
from opentelemetry.sdk.trace import Span
from opentelemetry.sdk.trace.export.otlp import _json_encoding, _protobuf_encoding

PARENT = trace_api.SpanContext(0xABC, 0xDEF, trace_api.TraceOptions(1))


class _ThirdPartySpan(trace_api.Span):
    """A span of another implementation, counting how often it is asked its context."""

    def __init__(self):
        self.calls = 0

    def get_context(self):
        self.calls += 1
        return PARENT


def test_a_third_party_parent_is_asked_its_context_once_for_b3_and_otlp(tracer):
    parent = _ThirdPartySpan()
    span = tracer.start_span("child", parent=parent)
    span.end()

    carrier = {}
    b3_format.B3Format.inject(span, dict.__setitem__, carrier)
    _protobuf_encoding.encode_request([span])
    body = _json_encoding.encode_request([span])

    assert parent.calls == 1
    assert span.parent is parent
    assert span.parent_context == PARENT
    assert carrier["x-b3-parentspanid"] == "0000000000000def"
    assert b'"parentSpanId":"0000000000000def"' in body.replace(b" ", b"")


def test_the_parent_context_of_sdk_and_remote_parents_and_of_roots(tracer):
    with tracer.start_as_current_span("parent") as parent:
        child = tracer.start_span("child")
    remote = tracer.start_span("server", parent=PARENT)

    assert child.parent is parent and child.parent_context is parent.get_context()
    assert remote.parent_context is PARENT
    assert parent.parent_context is None


def test_a_span_made_directly_reads_its_parent_context_from_parent():
    parent = Span("parent", trace_api.SpanContext(1, 2))
    assert Span("child", trace_api.SpanContext(1, 3), parent).parent_context is parent.context
    assert Span("child", trace_api.SpanContext(1, 3), PARENT).parent_context is PARENT
    assert Span("root", trace_api.SpanContext(1, 4)).parent_context is None


def test_b3_keeps_v03s_hex_names_which_differ_from_the_apis():
    assert b3_format.format_trace_id is b3_format.b3_trace_id_hex
    assert b3_format.format_span_id is b3_format.b3_span_id_hex
    assert b3_format.format_trace_id(0xABC) == "0" * 29 + "abc"
    assert trace_api.format_trace_id(0xABC) == "0x" + "0" * 29 + "abc"
    assert b3_format.format_span_id(0xABC) == "0000000000000abc"
    assert trace_api.format_span_id(0xABC) == "0x0000000000000abc"
