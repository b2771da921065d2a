"""Fault injection: hostile and broken servers on 127.0.0.1, bad settings, bad spans.

Whatever the server or the configuration does, ``export()`` returns a result
within its timeout, never raises, never counts delivered spans as failed,
and logs no secret and no line the server wrote. Every wait here is bounded;
delays are checked as requested waits (``fake_time``), never measured.
"""

import base64
import logging
import os
import select
import socket
import sys
import threading
import time
import types
from pathlib import Path

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, TracerSource
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.otlp import (
    OTLPSpanExporter,
    _http_sender,
    _json_encoding,
    _protobuf_encoding,
)
from opentelemetry.sdk.trace.export.otlp._environment import resolve_settings

from opentelemetry.trace.status import StatusCanonicalCode

CERTS = Path(__file__).resolve().parent / "certs"


def make_spans(count=3):
    spans = []
    for number in range(1, count + 1):
        span = Span("span-{}".format(number), trace_api.SpanContext(number, number))
        span.start(start_time=number)
        span.end(end_time=number + 1)
        spans.append(span)
    return spans


class TricklingServer:
    """Answers each request with ``head``, then one byte every ``interval`` seconds.

    It stops after ``budget`` bytes, or as soon as the client closes the
    connection, which sets :attr:`client_gave_up`. With ``first``, the first
    request on a connection gets that whole answer, and the next one the trickle.
    """

    def __init__(
        self, head: bytes, interval: float = 0.5, budget: int = 30, first: bytes = b""
    ) -> None:
        self._head = head
        self._first = first
        self._interval = interval
        self._budget = budget
        self.bytes_trickled = 0
        self.requests_read = 0
        self.client_gave_up = threading.Event()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        return "http://127.0.0.1:{}".format(self._listener.getsockname()[1])

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:  # the accept timeout, or the listener closed
                continue
            with connection:
                self._answer(connection)

    def _read_request(self, connection: socket.socket) -> bool:
        """Read one whole request; ``False`` if the client closed the connection first."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return False
            body += chunk
        self.requests_read += 1
        return True

    def _answer(self, connection: socket.socket) -> None:
        connection.settimeout(10)
        if not self._read_request(connection):
            return
        if self._first:
            connection.sendall(self._first)
            if not self._read_request(connection):
                return
        connection.sendall(self._head)
        for _ in range(self._budget):
            if self._stopping.is_set():
                return
            # Waiting for the client to close is the pause between two bytes.
            if select.select([connection], [], [], self._interval)[0]:
                try:
                    closed = not connection.recv(65536)
                except OSError:
                    closed = True
                if closed:
                    self.client_gave_up.set()
                    return
                continue  # the rest of a request body
            try:
                connection.sendall(b"a")
            except OSError:
                self.client_gave_up.set()
                return
            self.bytes_trickled += 1

    def close(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(10)


@pytest.fixture
def start_trickling_server():
    started = []

    def start(head: bytes, first: bytes = b"") -> TricklingServer:
        started.append(TricklingServer(head, first=first))
        return started[-1]

    yield start
    for server in started:
        server.close()


# -- 5: the timeout bounds the whole export --------------------------------


@pytest.mark.parametrize(
    "head",
    [
        pytest.param(b"HTTP/1.1 200 OK\r\nX-Trickle: ", id="headers"),
        pytest.param(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", id="body"),
    ],
)
def test_server_trickling_its_answer_cannot_stretch_the_export_past_its_timeout(
    start_trickling_server, caplog, head
):
    server = start_trickling_server(head)
    exporter = OTLPSpanExporter(server.endpoint, timeout=1)

    with caplog.at_level(logging.WARNING):
        result = exporter.export(make_spans())
    exporter.shutdown()

    assert result is SpanExportResult.FAILED_RETRYABLE
    assert "timed out" in caplog.text
    # One byte every 0.5 s never lets a per-read timeout of 1 s expire: only
    # a deadline for the whole export makes the client give up before the
    # server's 30 bytes (15 s) are out.
    assert server.client_gave_up.wait(10)
    assert server.bytes_trickled < 30


@pytest.fixture
def unanswered_address():
    """A local address whose connections hang: its listener's backlog is full."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    address = listener.getsockname()
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    yield address
    for filler in fillers:
        filler.close()
    listener.close()


def test_host_with_several_addresses_shares_one_deadline_between_them(
    unanswered_address, monkeypatch
):
    second = socket.create_server(("127.0.0.1", 0))

    def two_addresses(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", unanswered_address),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", second.getsockname()),
        ]

    monkeypatch.setattr(_http_sender.socket, "getaddrinfo", two_addresses)
    exporter = OTLPSpanExporter("http://collector.invalid:4318", timeout=0.5)

    try:
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
        exporter.shutdown()
        # The first address used up the timeout: connecting to the second, as
        # socket.create_connection does with a fresh timeout, would overrun it.
        second.setblocking(False)
        with pytest.raises(BlockingIOError):
            second.accept()
    finally:
        second.close()


def test_retries_share_the_deadline_with_a_trickled_answer(
    start_trickling_server, short_backoff, caplog
):
    server = start_trickling_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
        first=b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
    )
    exporter = OTLPSpanExporter(server.endpoint, timeout=1)

    with caplog.at_level(logging.WARNING):
        result = exporter.export(make_spans())
    exporter.shutdown()

    # The 503 was retried, and the retry got only what was left of the timeout.
    assert result is SpanExportResult.FAILED_RETRYABLE
    assert server.requests_read == 2
    assert "timed out" in caplog.text
    assert server.client_gave_up.wait(10)
    assert server.bytes_trickled < 30


# -- 12: malformed responses never raise, and a 200 is a success -----------


def _nested_json(depth):
    return b'{"partialSuccess":' * depth + b"{}" + b"}" * depth


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[" * 100_000, id="deeply-nested-array"),
        pytest.param(_nested_json(50_000), id="deeply-nested-object"),
        pytest.param(b'{"partialSuccess":{"rejectedSpans":null}}', id="rejected-null"),
        pytest.param(b'{"partialSuccess":{"rejectedSpans":[1]}}', id="rejected-list"),
        pytest.param(b'{"partialSuccess":{"rejectedSpans":1e999}}', id="rejected-infinite"),
        pytest.param(b'{"partialSuccess":{"errorMessage":null}}', id="message-null"),
    ],
)
def test_malformed_json_success_response_is_still_success(receiver, caplog, body):
    receiver.respond(200, body=body)
    exporter = OTLPSpanExporter(receiver.endpoint, encoding="json")

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "rejected" not in caplog.text
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_deeply_nested_error_body_is_logged_as_text_not_raised(receiver, caplog, encoding):
    receiver.respond(400, body=b"[" * 100_000)
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    assert "HTTP 400 Bad Request: [[[" in caplog.text


@pytest.mark.parametrize("retry_after", ["²", "1.5", "-3", "Mon, 01 Jan 99999 00:00:00 GMT"])
def test_malformed_retry_after_falls_back_to_the_backoff(
    receiver, short_backoff, fake_time, retry_after
):
    receiver.respond(503, headers=(("Retry-After", retry_after),))
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 2
    assert len(fake_time.sleeps) == 1 and 0.005 <= fake_time.sleeps[0] <= 0.01


def test_malformed_retry_after_values_are_ignored():
    for value in ("²", "٣", "1e3", "inf", "Mon, 01 Jan 99999 00:00:00 GMT", "Mon, 99 Foo"):
        assert _http_sender.retry_after_seconds(value) is None


# -- 19: a server's text cannot forge log lines ------------------------------


def test_error_message_from_the_server_cannot_forge_a_log_line(receiver, caplog):
    forged = "bad span\nCRITICAL root: disk full\u2028and more\r"
    receiver.respond(400, body='{{"message": "{}"}}'.format(forged.replace("\n", "\\n").replace("\r", "\\r")).encode())
    exporter = OTLPSpanExporter(receiver.endpoint, encoding="json")

    with caplog.at_level(logging.WARNING):
        exporter.export(make_spans())
    exporter.shutdown()

    (record,) = [record for record in caplog.records if "rejected spans" in record.getMessage()]
    message = record.getMessage()
    assert message.splitlines() == [message]
    assert "bad span\\nCRITICAL root: disk full\\u2028and more\\r" in message


def test_partial_success_message_cannot_forge_a_log_line(receiver, caplog):
    receiver.respond(
        200, body=b'{"partialSuccess":{"rejectedSpans":1,"errorMessage":"old\\nINFO forged"}}'
    )
    exporter = OTLPSpanExporter(receiver.endpoint, encoding="json")

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    (record,) = caplog.records
    assert "rejected 1 of 3 spans: old\\nINFO forged" in record.getMessage()
    assert "\n" not in record.getMessage()


def test_reason_phrase_from_the_server_cannot_forge_a_log_line(start_trickling_server, caplog):
    server = start_trickling_server(
        b"HTTP/1.1 418 I'm\x0bINFO forged\x85line\r\nContent-Length: 0\r\n\r\n"
    )
    exporter = OTLPSpanExporter(server.endpoint, timeout=5)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    (record,) = caplog.records
    assert record.getMessage().splitlines() == [record.getMessage()]
    assert "HTTP 418 I'm\\x0bINFO forged\\x85line" in record.getMessage()


# -- 20: Retry-After never skips the backoff, and outlives the export ------


@pytest.mark.parametrize("retry_after", ["0", "Wed, 21 Oct 2015 07:28:00 GMT"])
def test_retry_after_zero_or_in_the_past_still_waits_the_backoff(
    receiver, fake_time, retry_after
):
    receiver.respond(503, headers=(("Retry-After", retry_after),), times=3)
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=60)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 4
    # The backoff's fixed half: 0.5 s, then 1 s, then 2 s.
    assert len(fake_time.sleeps) == 3
    for attempt, wait in enumerate(fake_time.sleeps):
        assert wait >= 0.5 * 2**attempt


def test_retry_after_longer_than_the_timeout_holds_back_the_next_exports(receiver, fake_time):
    receiver.respond(503, headers=(("Retry-After", "30"),))
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    fake_time.advance(1)
    assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    assert len(receiver.requests) == 1  # the second export asked nothing of the server

    fake_time.advance(26)  # 3 s of the 30 left: the export waits them out, then sends
    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 2
    assert fake_time.sleeps == [pytest.approx(3.0)]


def test_a_huge_retry_after_holds_back_exports_for_five_minutes_at_most(receiver, fake_time):
    receiver.respond(503, headers=(("Retry-After", "86400"),))
    exporter = OTLPSpanExporter(receiver.endpoint, timeout=5)

    assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    fake_time.advance(300 - 5)  # 5 s of the 300 left: the export's whole timeout
    assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    assert len(receiver.requests) == 1
    fake_time.advance(5)  # five minutes since the answer: no longer held back
    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert len(receiver.requests) == 2
    assert fake_time.sleeps == []


# -- 6: an encrypted client key is refused, never prompted for ---------------


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded")
def test_encrypted_client_key_is_a_logged_error_not_a_pass_phrase_prompt():
    import pty

    code = (
        "import logging; logging.basicConfig(level=logging.WARNING)\n"
        "from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter\n"
        "OTLPSpanExporter('https://127.0.0.1:1', client_certificate_file={!r},"
        " client_key_file={!r}).shutdown()\n"
        "print('constructed', flush=True)\n"
    ).format(str(CERTS / "client.pem"), str(CERTS / "client-encrypted.key"))
    # A child with a terminal of its own, where OpenSSL would ask for the pass-phrase.
    pid, terminal = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [sys.executable, "-c", code])
    output = b""
    give_up_at = time.monotonic() + 60
    try:
        while b"constructed" not in output and b"pass phrase" not in output.lower():
            if time.monotonic() > give_up_at:
                break
            if not select.select([terminal], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(terminal, 4096)
            except OSError:  # the child exited and closed the terminal
                break
            if not chunk:
                break
            output += chunk
    finally:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(terminal)

    assert b"pass phrase" not in output.lower()
    assert b"Could not load the client certificate" in output
    assert b"constructed" in output


# -- 17: settings that would fail every export are refused at construction --


@pytest.mark.parametrize(
    "headers, environment",
    [
        ({"x-tenant": "caf\u00e9 \u2713", "x-ok": "1"}, {}),
        (None, {"OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=%E2%9C%93,x-ok=1"}),
        ({"x-tenant": "a\x7fb", "x-ok": "1"}, {}),
    ],
)
def test_header_value_http_cannot_send_is_refused_at_construction(
    receiver, caplog, monkeypatch, headers, environment
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(receiver.endpoint, headers=headers)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "Ignored header 'x-tenant'" in caplog.text
    (request,) = receiver.requests
    assert request.headers["x-ok"] == "1" and "x-tenant" not in request.headers


def test_latin1_header_value_is_sent(receiver):
    exporter = OTLPSpanExporter(receiver.endpoint, headers={"x-tenant": "caf\u00e9"})

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert receiver.requests[0].headers["x-tenant"].encode("latin-1") == b"caf\xe9"


@pytest.mark.parametrize("timeout", [1e10, 3600.5, float("inf")])
def test_timeout_too_long_to_wait_for_falls_back_to_the_default(receiver, caplog, timeout):
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(receiver.endpoint, timeout=timeout)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "Ignored OTLP timeout" in caplog.text
    assert resolve_settings({}, timeout=timeout).timeout == 10.0


class _RaisingComparison:
    def __eq__(self, other):
        raise RuntimeError("no comparison")

    __hash__ = object.__hash__

    def __repr__(self):
        return "_RaisingComparison()"


@pytest.mark.parametrize(
    "arguments",
    [
        {"timeout": 10**400},
        {"timeout": -(10**400)},
        {"compression": _RaisingComparison()},
        {"encoding": _RaisingComparison()},
    ],
)
def test_constructor_never_raises_for_arguments_that_break_conversion_or_comparison(
    receiver, caplog, arguments
):
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(receiver.endpoint, **arguments)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "Ignored OTLP" in caplog.text


@pytest.mark.parametrize("value", ["\u00b2", "\u0663", "9" * 5000, "3600001"])
def test_timeout_variable_that_is_no_usable_integer_falls_back_to_the_default(
    receiver, caplog, monkeypatch, value
):
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TIMEOUT", value)
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(receiver.endpoint)

    assert exporter.export(make_spans()) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert "Ignored OTEL_EXPORTER_OTLP_TIMEOUT=" in caplog.text
    assert resolve_settings({"OTEL_EXPORTER_OTLP_TIMEOUT": value}).timeout == 10.0


# -- 18: credentials are sent, never shown ----------------------------------


def test_endpoint_user_and_password_are_sent_as_basic_auth_and_never_shown(receiver, caplog):
    receiver.respond(400, body=b"bad request")
    endpoint = receiver.endpoint.replace("http://", "http://alice:hunter%402@")
    with caplog.at_level(logging.DEBUG):
        exporter = OTLPSpanExporter(endpoint)
        exporter.export(make_spans())
    exporter.shutdown()

    (request,) = receiver.requests
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(
        b"alice:hunter@2"
    ).decode("ascii")
    assert request.path == "/v1/traces"
    assert "rejected spans" in caplog.text  # the warning is there, the password is not
    assert "go over plain http" in caplog.text
    assert "hunter" not in caplog.text
    assert "hunter" not in repr(exporter)
    assert "hunter" not in repr(resolve_settings({}, endpoint=endpoint))


def test_api_key_in_the_query_string_is_sent_and_never_shown(receiver, caplog):
    receiver.respond(400, body=b"bad request")
    endpoint = receiver.endpoint + "/otlp?api_key=hunter2&region=eu"
    with caplog.at_level(logging.DEBUG):
        exporter = OTLPSpanExporter(endpoint)
        exporter.export(make_spans())
    exporter.shutdown()

    assert receiver.requests[0].path == "/otlp/v1/traces?api_key=hunter2&region=eu"
    assert "/otlp/v1/traces?api_key=***&region=*** rejected spans" in caplog.text
    assert "hunter2" not in caplog.text
    assert "hunter2" not in repr(exporter)
    assert "hunter2" not in repr(resolve_settings({}, endpoint=endpoint))


def test_endpoint_credentials_over_https_are_sent_without_a_warning(caplog):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings({}, endpoint="https://alice:hunter2@collector:4318")

    assert settings.headers["Authorization"].startswith("Basic ")
    assert settings.url == "https://collector:4318/v1/traces"
    assert caplog.records == []


def test_endpoint_credentials_never_appear_in_delivery_failures(closed_port, caplog):
    exporter = OTLPSpanExporter(
        "http://alice:hunter2@127.0.0.1:{}".format(closed_port), timeout=0.2
    )
    with caplog.at_level(logging.DEBUG):
        assert exporter.export(make_spans()) is SpanExportResult.FAILED_RETRYABLE
    exporter.shutdown()

    assert "Could not send spans to http://127.0.0.1:" in caplog.text
    assert "hunter2" not in caplog.text


def test_explicit_authorization_header_wins_over_endpoint_credentials(receiver, caplog):
    endpoint = receiver.endpoint.replace("http://", "http://alice:hunter2@")
    with caplog.at_level(logging.WARNING):
        exporter = OTLPSpanExporter(endpoint, headers={"authorization": "Bearer token-9"})
    exporter.export(make_spans())
    exporter.shutdown()

    assert receiver.requests[0].headers["authorization"] == "Bearer token-9"
    assert "Ignored the user and password in the OTLP endpoint" in caplog.text
    assert "hunter2" not in caplog.text and "token-9" not in caplog.text


@pytest.mark.parametrize(
    "arguments, environment",
    [
        ({"endpoint": "ftp://alice:hunter2@collector:4318"}, {}),
        ({"endpoint": b"http://alice:hunter2@collector:4318"}, {}),
        ({}, {"OTEL_EXPORTER_OTLP_ENDPOINT": "htp://alice:hunter2@collector"}),
        ({}, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://alice:hunter2@collector:99999"}),
    ],
)
def test_invalid_endpoint_is_logged_without_its_credentials(caplog, arguments, environment):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(environment, **arguments)

    assert settings.url == "http://localhost:4318/v1/traces"
    assert "Ignored" in caplog.text
    assert "hunter2" not in caplog.text


@pytest.mark.parametrize(
    "arguments, environment",
    [
        ({}, {"OTEL_EXPORTER_OTLP_HEADERS": "Authorization Bearer hunter2"}),
        ({}, {"OTEL_EXPORTER_OTLP_HEADERS": "x-ok=1,Authorization: Bearer hunter2"}),
        ({}, {"OTEL_EXPORTER_OTLP_HEADERS": "=hunter2"}),
        ({}, {"OTEL_EXPORTER_OTLP_HEADERS": "api key=hunter2"}),
        ({}, {"OTEL_EXPORTER_OTLP_HEADERS": "api-key=hunter2%0A"}),
        ({"headers": [("authorization", "Bearer hunter2")]}, {}),
        ({"headers": "authorization=Bearer hunter2"}, {}),
        ({"headers": {"Authorization: Bearer hunter2": "x"}}, {}),
        ({"headers": {"authorization": b"Bearer hunter2"}}, {}),
    ],
)
def test_malformed_headers_are_logged_without_their_secrets(caplog, arguments, environment):
    with caplog.at_level(logging.WARNING):
        settings = resolve_settings(environment, **arguments)

    assert "Ignored" in caplog.text
    assert "hunter2" not in caplog.text
    assert "hunter2" not in repr(settings)


def test_settings_repr_hides_header_values():
    settings = resolve_settings({}, headers={"authorization": "Bearer hunter2"})

    assert "hunter2" not in repr(settings)
    assert "'authorization': '<hidden>'" in repr(settings)


# -- 10: one bad span never costs the good spans of its batch ---------------
# The bad values are put in place behind the constructors' backs: the API
# refuses or repairs them where they enter, the encoder must survive them anyway.


def _with_context(span, **fields):
    context = {
        "trace_id": span.context.trace_id,
        "span_id": span.context.span_id,
        "trace_state": span.context.trace_state,
        "trace_options": span.context.trace_options,
    }
    context.update(fields)
    span.context = types.SimpleNamespace(**context)
    return span


def _bad_span(kind):
    (span,) = make_spans(1)
    span.name = "bad"
    if kind == "str-trace-id":
        return _with_context(span, trace_id="4bf92f3577b34da6a3ce929d0e0e4736")
    if kind == "129-bit-trace-id":
        return _with_context(span, trace_id=1 << 128)
    if kind == "negative-span-id":
        return _with_context(span, span_id=-1)
    if kind == "str-trace-state":
        return _with_context(span, trace_state="vendor=value")
    if kind == "float-start-time":
        span.start_time = 1.5
        return span
    if kind == "dict-resource":
        span.resource = {"service.name": "checkout"}
        return span
    if kind == "unhashable-scope":
        span.instrumentation_info = ["not", "a", "scope"]
        return span
    raise AssertionError(kind)


BAD_SPANS = [
    "str-trace-id",
    "129-bit-trace-id",
    "negative-span-id",
    "str-trace-state",
    "float-start-time",
    "dict-resource",
    "unhashable-scope",
]


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
@pytest.mark.parametrize("bad", BAD_SPANS)
def test_one_bad_span_is_left_out_counted_and_logged_and_the_rest_delivered(
    receiver, caplog, encoding, bad
):
    good = make_spans(3)
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    with caplog.at_level(logging.WARNING):
        result = exporter.export([good[0], _bad_span(bad), good[1], good[2]])
    exporter.shutdown()

    assert result is SpanExportResult.SUCCESS
    assert exporter.spans_dropped_unencodable == 1
    assert "Left out 1 of 4 spans that could not be encoded" in caplog.text
    (request,) = receiver.requests
    encoder = _protobuf_encoding if encoding == "protobuf" else _json_encoding
    assert request.body == encoder.encode_request(good)


def test_status_description_that_is_no_str_is_sent_as_text(receiver):
    (span,) = make_spans(1)
    span._status = types.SimpleNamespace(
        canonical_code=StatusCanonicalCode.UNKNOWN, description=503
    )
    exporter = OTLPSpanExporter(receiver.endpoint, encoding="json")

    assert exporter.export([span]) is SpanExportResult.SUCCESS
    exporter.shutdown()

    assert exporter.spans_dropped_unencodable == 0
    assert b'"status":{"message":"503","code":2}' in receiver.requests[0].body


@pytest.mark.parametrize("encoding", ["protobuf", "json"])
def test_batch_of_only_bad_spans_sends_nothing_and_fails(receiver, caplog, encoding):
    exporter = OTLPSpanExporter(receiver.endpoint, encoding=encoding)

    with caplog.at_level(logging.WARNING):
        result = exporter.export([_bad_span("str-trace-id"), _bad_span("dict-resource")])
    exporter.shutdown()

    assert result is SpanExportResult.FAILED_NOT_RETRYABLE
    assert exporter.spans_dropped_unencodable == 2
    assert receiver.requests == []


def test_encoder_without_a_failure_record_raises_for_a_bad_span():
    with pytest.raises(OverflowError):
        _protobuf_encoding.encode_request([_bad_span("129-bit-trace-id")])


def test_export_never_raises_whatever_it_is_given(receiver, caplog):
    exporter = OTLPSpanExporter(receiver.endpoint)

    with caplog.at_level(logging.WARNING):
        assert exporter.export(None) is SpanExportResult.FAILED_NOT_RETRYABLE
        assert exporter.export([object()]) is SpanExportResult.FAILED_NOT_RETRYABLE
        assert exporter.export(42) is SpanExportResult.FAILED_NOT_RETRYABLE
    exporter.shutdown()

    assert receiver.requests == []


# -- end to end: tracer, batch processor, exporter, hostile server ---------


def _traced_spans(processor, count):
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    tracer = source.get_tracer("faults")
    for number in range(count):
        tracer.start_span("span-{}".format(number)).end()
    return source


def _shut_down_within(source, seconds):
    """Shut ``source`` down on another thread; whether it returned within ``seconds``."""
    shutdown = threading.Thread(target=source.shutdown, daemon=True)
    shutdown.start()
    shutdown.join(seconds)
    return not shutdown.is_alive()


def test_trickling_server_behind_the_batch_processor_cannot_hold_up_shutdown(
    start_trickling_server, caplog
):
    server = start_trickling_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    processor = BatchExportSpanProcessor(
        OTLPSpanExporter(server.endpoint, timeout=1), export_timeout_millis=10_000
    )

    with caplog.at_level(logging.WARNING):
        source = _traced_spans(processor, 10)
        assert _shut_down_within(source, 30)

    # Nothing silently lost: every span is accounted for, none as exported.
    assert processor.spans_exported == 0
    assert processor.spans_failed_export == 10
    assert server.client_gave_up.wait(10)


def test_retry_after_holds_back_the_batch_processors_retries(receiver, caplog):
    receiver.respond(503, headers=(("Retry-After", "120"),))
    processor = BatchExportSpanProcessor(
        OTLPSpanExporter(receiver.endpoint, timeout=5), export_timeout_millis=10_000
    )

    with caplog.at_level(logging.WARNING):
        source = _traced_spans(processor, 10)
        processor.force_flush(1_000)  # the processor retries every 0.1, 0.2, 0.4 s...
        assert _shut_down_within(source, 30)

    # ... but none of its retries reached the server that asked for two minutes.
    assert len(receiver.requests) == 1
    assert processor.spans_exported == 0
    assert processor.spans_failed_export == 10


def test_sender_names_what_it_carries_in_its_log_lines(receiver, caplog):
    sender = _http_sender.HTTPSender(
        receiver.endpoint + "/v1/metrics",
        {},
        5.0,
        "none",
        "application/json",
        None,
        _json_encoding.decode_error_message,
        items="data points",
    )
    receiver.respond(400, body=b'{"message":"bad metric"}')

    with caplog.at_level(logging.WARNING):
        result, _ = sender.send(b"{}", 2)
    sender.close()

    assert result is SpanExportResult.FAILED_NOT_RETRYABLE
    assert "rejected data points: HTTP 400 Bad Request: bad metric" in caplog.text
