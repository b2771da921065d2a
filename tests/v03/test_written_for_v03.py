"""Code written the way v0.3 users wrote it runs unchanged.

Each test is a small piece of v0.3-era code, in the shape of the
instrumentation, shims, exporters and test suites people wrote against the
v0.3 packages: a WSGI middleware, an HTTP client wrapper that keeps quiet
about its own calls through ``Context.suppress_instrumentation``, an
OpenTracing-style shim with a class as the global format, a sampler that
reads the span's attributes, processors added while spans are open, mock
processors, and an exporter that reads spans the way v0.3's exporters did.
"""

import threading
import urllib.request
import wsgiref.simple_server
import wsgiref.util
from unittest import mock

import pytest

from opentelemetry import propagators, trace
from opentelemetry.context import Context
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.trace.export import (
    SimpleExportSpanProcessor,
    Span,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace.sampling import Decision, Sampler
from opentelemetry.trace.status import Status, StatusCanonicalCode


@pytest.fixture(autouse=True)
def keep_the_global_format_and_context():
    before = propagators.get_global_httptextformat()
    yield
    propagators.set_global_httptextformat(before)
    Context.suppress_instrumentation = False


@pytest.fixture
def source():
    return sdk_trace.TracerSource(shutdown_on_exit=False)


@pytest.fixture
def exporter(source):
    exporter = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return exporter


# -- a WSGI middleware and an HTTP client wrapper, in the v0.3 ext style --------


def _get_header_from_environ(environ, header_name):
    value = environ.get("HTTP_" + header_name.upper().replace("-", "_"))
    return [value] if value is not None else []


class OpenTelemetryMiddleware:
    """The v0.3 WSGI middleware's shape: extract, start a SERVER span, use it, end it."""

    def __init__(self, wsgi, tracer):
        self.wsgi = wsgi
        self.tracer = tracer

    def __call__(self, environ, start_response):
        parent_span = propagators.extract(_get_header_from_environ, environ)
        span = self.tracer.start_span(
            environ.get("PATH_INFO", "/"),
            parent_span,
            kind=trace.SpanKind.SERVER,
            attributes={"component": "http", "http.method": environ["REQUEST_METHOD"]},
        )

        def traced_start_response(status, response_headers, *args):
            span.set_attribute("http.status_code", int(status.split(" ")[0]))
            return start_response(status, response_headers, *args)

        try:
            with self.tracer.use_span(span):
                iterable = self.wsgi(environ, traced_start_response)
                return list(iterable)
        finally:
            span.end()


def instrumented_urlopen(tracer, url, timeout):
    """An HTTP client wrapper in the v0.3 ext-http-requests shape."""
    if Context.suppress_instrumentation:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read()
    path = urllib.request.urlparse(url).path
    with tracer.start_as_current_span(path, kind=trace.SpanKind.CLIENT) as span:
        span.set_attribute("http.url", url)
        headers = {}
        propagators.inject(tracer, dict.__setitem__, headers)
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            span.set_attribute("http.status_code", response.status)
            return response.read()


def _serve(app):
    class QuietHandler(wsgiref.simple_server.WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = wsgiref.simple_server.make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    return server, thread


def test_wsgi_middleware_and_client_wrapper_trace_a_request_and_stay_quiet_when_suppressed(
    source, exporter
):
    tracer = source.get_tracer("v0.3 instrumentation", "0.3")
    seen_traceparents = []

    def app(environ, start_response):
        seen_traceparents.append(environ.get("HTTP_TRACEPARENT"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hello"]

    server, thread = _serve(OpenTelemetryMiddleware(app, tracer))
    url = "http://127.0.0.1:{}/hello".format(server.server_port)
    try:
        assert instrumented_urlopen(tracer, url, timeout=5) == b"hello"
        # v0.3 code sets the flag by assignment, creating the slot if needed.
        Context.suppress_instrumentation = True
        assert instrumented_urlopen(tracer, url, timeout=5) == b"hello"
        Context.suppress_instrumentation = False
        with Context.use(suppress_instrumentation=True):
            assert instrumented_urlopen(tracer, url, timeout=5) == b"hello"
        assert not Context.suppress_instrumentation
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

    spans = exporter.get_finished_spans()
    client = [span for span in spans if span.kind is trace.SpanKind.CLIENT]
    servers = [span for span in spans if span.kind is trace.SpanKind.SERVER]
    assert len(client) == 1, "the suppressed calls made no client span"
    assert len(servers) == 3, "the server traced every request"
    assert seen_traceparents[0] is not None and seen_traceparents[1:] == [None, None]
    traced_server = next(span for span in servers if span.parent is not None)
    assert traced_server.parent.span_id == client[0].context.span_id
    assert traced_server.context.trace_id == client[0].context.trace_id
    assert traced_server.attributes["http.status_code"] == 200
    assert client[0].attributes["http.status_code"] == 200


# -- an OpenTracing-style shim with a class as the global format -----------------


class MockHTTPTextFormat:
    """A format as v0.3 shims' tests wrote it: a class with class methods."""

    TRACE_ID_KEY = "mock-traceid"
    SPAN_ID_KEY = "mock-spanid"

    @classmethod
    def extract(cls, get_from_carrier, carrier):
        trace_id = get_from_carrier(carrier, cls.TRACE_ID_KEY)
        span_id = get_from_carrier(carrier, cls.SPAN_ID_KEY)
        if not trace_id or not span_id:
            return trace.INVALID_SPAN_CONTEXT
        return trace.SpanContext(trace_id=int(trace_id[0]), span_id=int(span_id[0]))

    @classmethod
    def inject(cls, span, set_in_carrier, carrier):
        set_in_carrier(carrier, cls.TRACE_ID_KEY, str(span.get_context().trace_id))
        set_in_carrier(carrier, cls.SPAN_ID_KEY, str(span.get_context().span_id))


class TracerShim:
    """The propagation half of an OpenTracing shim over the global format."""

    def __init__(self, tracer):
        self._otel_tracer = tracer

    def inject(self, span_context, carrier):
        span = trace.DefaultSpan(span_context)
        propagators.get_global_httptextformat().inject(span, dict.__setitem__, carrier)

    def extract(self, carrier):
        def get_as_list(dict_object, key):
            value = dict_object.get(key)
            return [value] if value is not None else []

        return propagators.get_global_httptextformat().extract(get_as_list, carrier)


def test_shim_with_a_class_as_the_global_format_injects_and_extracts_its_headers(source):
    propagators.set_global_httptextformat(MockHTTPTextFormat)
    shim = TracerShim(source.get_tracer("opentracing shim"))
    carrier = {}
    shim.inject(trace.SpanContext(1220, 7478), carrier)
    assert carrier == {"mock-traceid": "1220", "mock-spanid": "7478"}
    extracted = shim.extract(carrier)
    assert (extracted.trace_id, extracted.span_id) == (1220, 7478)

    # The module-level helpers use it as well.
    tracer = source.get_tracer("opentracing shim")
    headers = {}
    with tracer.start_as_current_span("op") as span:
        propagators.inject(tracer, dict.__setitem__, headers)
    assert headers == {
        "mock-traceid": str(span.get_context().trace_id),
        "mock-spanid": str(span.get_context().span_id),
    }


# -- a custom sampler that reads the span's attributes ---------------------------


class AttributeSampler(Sampler):
    """Records the spans of one tenant, as a v0.3 user's sampler could."""

    def should_sample(self, parent_context, trace_id, span_id, name, attributes=None, links=()):
        if attributes and attributes.get("tenant") == "acme":
            return Decision(True, {"sampler.reason": "tenant"})
        return Decision(False)


def test_custom_v03_sampler_decides_on_the_attributes_given_at_start():
    source = sdk_trace.TracerSource(sampler=AttributeSampler(), shutdown_on_exit=False)
    exporter = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer(__name__)
    tracer.start_span("kept", attributes={"tenant": "acme"}).end()
    tracer.start_span("dropped", attributes={"tenant": "other"}).end()
    with tracer.start_as_current_span("kept too", attributes={"tenant": "acme"}):
        pass
    (kept, kept_too) = exporter.get_finished_spans()
    assert (kept.name, kept_too.name) == ("kept", "kept too")
    assert kept.attributes["sampler.reason"] == "tenant"


# -- processors, as v0.3's own tests drove them ----------------------------------


class MySpanProcessor(sdk_trace.SpanProcessor):
    def __init__(self, name, span_list):
        self.name = name
        self.span_list = span_list

    def on_start(self, span):
        self.span_list.append("{} - start - {}".format(self.name, span.name))

    def on_end(self, span):
        self.span_list.append("{} - end - {}".format(self.name, span.name))


def test_processors_added_while_spans_are_open_see_them_end(source):
    tracer = source.get_tracer(__name__)
    calls = []
    sp1 = MySpanProcessor("SP1", calls)
    sp2 = MySpanProcessor("SP2", calls)
    with tracer.start_as_current_span("foo"):
        with tracer.start_as_current_span("bar"):
            with tracer.start_as_current_span("baz"):
                source.add_span_processor(sp1)
        source.add_span_processor(sp2)
    assert calls == [
        "SP1 - end - baz",
        "SP1 - end - bar",
        "SP1 - end - foo",
        "SP2 - end - foo",
    ]


def test_mock_processors_with_the_processor_spec_see_every_span(source):
    mock_processor = mock.Mock(spec=sdk_trace.SpanProcessor)
    source.add_span_processor(mock_processor)
    tracer = source.get_tracer(__name__)
    with tracer.start_as_current_span("root") as root:
        with tracer.start_as_current_span("child"):
            pass
    assert mock_processor.on_start.call_count == 2
    assert mock_processor.on_end.call_count == 2
    assert mock_processor.on_end.call_args_list[-1] == mock.call(root)


def test_a_span_built_directly_with_a_mock_context_and_processor_reports_to_it():
    processor = mock.Mock(spec=sdk_trace.SpanProcessor)
    span = sdk_trace.Span("made by hand", mock.Mock(spec=trace.SpanContext), span_processor=processor)
    span.start()
    span.set_attribute("k", "v")
    span.end()
    processor.on_start.assert_called_once_with(span)
    processor.on_end.assert_called_once_with(span)


# -- an exporter that reads spans as v0.3's Jaeger and Zipkin exporters did ------


class DictSpanExporter(SpanExporter):
    """Turns spans into the dicts a v0.3 exporter sent on."""

    def __init__(self):
        self.sent = []

    def export(self, spans):
        for span in spans:
            parent_id = 0
            if isinstance(span.parent, trace.Span):
                parent_id = span.parent.get_context().span_id
            elif isinstance(span.parent, trace.SpanContext):
                parent_id = span.parent.span_id
            self.sent.append(
                {
                    "trace_id": trace.format_trace_id(span.context.trace_id),
                    "parent_id": parent_id,
                    "name": span.name,
                    "kind": span.kind.name,
                    "duration_us": (span.end_time - span.start_time) // 1000,
                    "tags": dict(span.attributes),
                    "status": (span.status.canonical_code.value, span.status.description),
                    "logs": [(e.name, e.timestamp, dict(e.attributes)) for e in span.events],
                    "references": [
                        (link.context.trace_id, dict(link.attributes)) for link in span.links
                    ],
                    "library": span.instrumentation_info.name,
                }
            )
        return SpanExportResult.SUCCESS

    def shutdown(self):
        pass


def test_an_exporter_reads_spans_the_way_v03_exporters_did(source):
    exporter = DictSpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer("shop", "1.0")
    remote = trace.SpanContext(0x1234, 0x99, trace_options=trace.TraceOptions(trace.TraceOptions.SAMPLED))
    link = trace.Link(trace.SpanContext(0x5678, 0x1), {"link.kind": "batch"})
    with tracer.start_as_current_span("checkout", parent=remote, links=[link]) as span:
        span.add_event("paid", {"amount": 3}, 1000)
        span.add_lazy_event(trace.Event("shipped", {"carrier": "post"}, 2000))
        span.set_status(Status(StatusCanonicalCode.OK, "fine"))
    (sent,) = exporter.sent
    assert sent["trace_id"] == "0x00000000000000000000000000001234"
    assert sent["parent_id"] == 0x99
    assert sent["logs"] == [("paid", 1000, {"amount": 3}), ("shipped", 2000, {"carrier": "post"})]
    assert sent["references"] == [(0x5678, {"link.kind": "batch"})]
    assert sent["status"] == (0, "fine") and sent["library"] == "shop"
    assert isinstance(sent["duration_us"], int) and sent["kind"] == "INTERNAL"


def test_a_db_api_style_integration_records_its_own_status(source, exporter):
    tracer = source.get_tracer("dbapi")

    def traced_execute(query):
        with tracer.start_as_current_span("query", kind=trace.SpanKind.CLIENT) as span:
            span.set_attribute("db.statement", query)
            try:
                if "DROP" in query:
                    raise RuntimeError("not allowed")
                span.set_status(Status(StatusCanonicalCode.OK))
                return 1
            except Exception as ex:
                span.set_status(Status(StatusCanonicalCode.UNKNOWN, str(ex)))
                raise ex

    assert traced_execute("SELECT 1") == 1
    with pytest.raises(RuntimeError):
        traced_execute("DROP TABLE x")
    ok, failed = exporter.get_finished_spans()
    assert ok.status.canonical_code is StatusCanonicalCode.OK
    assert (failed.status.canonical_code, failed.status.description) == (
        StatusCanonicalCode.UNKNOWN,
        "not allowed",
    )


def test_a_flask_style_activation_entered_and_exited_by_hand(source, exporter):
    tracer = source.get_tracer("flask")
    span = tracer.start_span("request", kind=trace.SpanKind.SERVER)
    activation = tracer.use_span(span, end_on_exit=True)
    activation.__enter__()
    assert tracer.get_current_span() is span
    activation.__exit__(None, None, None)
    assert tracer.get_current_span() is not span
    assert [finished.name for finished in exporter.get_finished_spans()] == ["request"]


def test_trace_state_from_v03_code_is_a_dict_that_propagates(source):
    state = trace.TraceState({"vendor": "value"})
    state["other"] = "x"
    assert isinstance(state, dict) and dict(state) == {"vendor": "value", "other": "x"}
    tracer = source.get_tracer(__name__)
    parent = trace.SpanContext(0x1, 0x2, trace.TraceOptions(1), state)
    headers = {}
    with tracer.start_as_current_span("child", parent=parent):
        propagators.inject(tracer, dict.__setitem__, headers)
    assert headers["tracestate"] == "vendor=value,other=x"


def test_a_span_context_given_a_plain_dict_as_trace_state_still_propagates_it(source):
    tracer = source.get_tracer(__name__)
    parent = trace.SpanContext(0x1, 0x2, trace.TraceOptions(1), {"vendor": "value"})
    headers = {}
    with tracer.start_as_current_span("child", parent=parent):
        propagators.inject(tracer, dict.__setitem__, headers)
    assert headers["tracestate"] == "vendor=value"
