"""The web glue in examples/: the WSGI middleware and the urllib client helper, on 127.0.0.1."""

import importlib
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace.status import StatusCanonicalCode

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TIMEOUT = 10


@pytest.fixture(scope="module")
def glue():
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module("wsgi_tracing"), importlib.import_module("urllib_tracing")
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture
def spans():
    return InMemorySpanExporter()


@pytest.fixture
def tracer(spans):
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(spans))
    return source.get_tracer("test")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass

    def log_error(self, *args):
        pass


@pytest.fixture
def serve():
    """Serves a WSGI application on 127.0.0.1 in a thread; returns its URL."""
    servers = []

    def start(application):
        server = make_server("127.0.0.1", 0, application, handler_class=_Quiet)
        server.timeout = TIMEOUT
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.daemon = True
        thread.start()
        servers.append((server, thread))
        return "http://127.0.0.1:{}".format(server.server_port)

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(TIMEOUT)


def _answer(status, body=b"ok"):
    def application(environ, start_response):
        start_response(status, [("Content-Type", "text/plain")])
        return [body]

    return application


def _wait_for(spans, count):
    """The finished spans once there are ``count`` (the server ends its span after answering)."""
    for _ in range(TIMEOUT * 20):
        if len(spans.get_finished_spans()) >= count:
            break
        time.sleep(0.05)
    return spans.get_finished_spans()


def test_client_and_server_spans_make_one_trace(glue, tracer, spans, serve):
    wsgi_tracing, urllib_tracing = glue
    url = serve(wsgi_tracing.TracingMiddleware(_answer("200 OK"), tracer))
    with urllib_tracing.traced_urlopen(url + "/stock?item=pears", tracer=tracer) as response:
        assert response.read() == b"ok"
    client = next(s for s in _wait_for(spans, 2) if s.kind is trace_api.SpanKind.CLIENT)
    server = next(s for s in spans.get_finished_spans() if s.kind is trace_api.SpanKind.SERVER)
    assert server.context.trace_id == client.context.trace_id
    assert server.parent.span_id == client.context.span_id  # extracted from traceparent
    assert (client.name, server.name) == ("GET /stock", "GET /stock")
    assert client.attributes["http.url"] == url + "/stock?item=pears"
    assert client.attributes["http.status_code"] == server.attributes["http.status_code"] == 200
    assert server.attributes["http.method"] == "GET"
    assert server.status.is_ok and client.status.is_ok


def test_the_application_runs_with_the_server_span_current(glue, tracer, spans, serve):
    wsgi_tracing, urllib_tracing = glue
    seen = []

    def application(environ, start_response):
        seen.append(tracer.get_current_span())
        return _answer("200 OK")(environ, start_response)

    url = serve(wsgi_tracing.TracingMiddleware(application, tracer))
    urllib.request.urlopen(url + "/", timeout=TIMEOUT).close()
    (server,) = _wait_for(spans, 1)
    assert seen == [server]
    assert server.parent is None  # no traceparent: a new trace


def test_a_5xx_answer_is_a_server_error_and_a_4xx_is_not(glue, tracer, spans, serve):
    wsgi_tracing, _ = glue
    failing = serve(wsgi_tracing.TracingMiddleware(_answer("503 Service Unavailable"), tracer))
    missing = serve(wsgi_tracing.TracingMiddleware(_answer("404 Not Found"), tracer))
    for url in (failing, missing):
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "/", timeout=TIMEOUT)
    first, second = _wait_for(spans, 2)
    assert first.attributes["http.status_code"] == 503
    assert first.status.canonical_code is StatusCanonicalCode.INTERNAL
    assert first.status.description == "503 Service Unavailable"
    assert second.attributes["http.status_code"] == 404
    assert second.status.is_ok


def test_an_exception_in_the_application_is_recorded_and_the_span_ended(glue, tracer, spans, serve):
    wsgi_tracing, _ = glue

    def application(environ, start_response):
        raise LookupError("no such shelf")

    url = serve(wsgi_tracing.TracingMiddleware(application, tracer))
    with pytest.raises(urllib.error.HTTPError) as raised:  # wsgiref answers 500
        urllib.request.urlopen(url + "/", timeout=TIMEOUT)
    assert raised.value.code == 500
    (server,) = _wait_for(spans, 1)
    assert server.end_time is not None
    assert server.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert "LookupError: no such shelf" in server.status.description


def test_the_server_span_ends_when_a_streamed_body_is_closed(glue, tracer, spans):
    wsgi_tracing, _ = glue

    def application(environ, start_response):
        start_response("200 OK", [])
        yield b"one"
        yield b"two"

    middleware = wsgi_tracing.TracingMiddleware(application, tracer)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/stream"}
    statuses = []
    body = middleware(environ, lambda status, headers, exc_info=None: statuses.append(status))
    assert spans.get_finished_spans() == ()
    assert b"".join(body) == b"onetwo"
    assert statuses == ["200 OK"]  # a generator answers while it is iterated
    assert spans.get_finished_spans() == ()
    body.close()
    (server,) = spans.get_finished_spans()
    assert server.attributes["http.status_code"] == 200


def test_an_error_answer_marks_the_client_span_and_still_raises(glue, tracer, spans, serve):
    _, urllib_tracing = glue
    url = serve(_answer("502 Bad Gateway"))
    with pytest.raises(urllib.error.HTTPError):
        urllib_tracing.traced_urlopen(url + "/", tracer=tracer)
    (client,) = spans.get_finished_spans()
    assert client.attributes["http.status_code"] == 502
    assert client.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert client.status.description == "HTTP 502"


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_server_is_recorded_on_the_client_span(glue, tracer, spans):
    _, urllib_tracing = glue
    url = "http://127.0.0.1:{}/".format(_closed_port())
    with pytest.raises(urllib.error.URLError):
        urllib_tracing.traced_urlopen(url, timeout=TIMEOUT, tracer=tracer)
    (client,) = spans.get_finished_spans()
    assert client.status.canonical_code is StatusCanonicalCode.UNKNOWN
    assert "URLError" in client.status.description
