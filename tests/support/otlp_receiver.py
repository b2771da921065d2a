"""An OTLP/HTTP receiver for tests: stdlib ``http.server`` on 127.0.0.1.

It records every request (path, headers, body with gzip undone, client
address) and answers from a script of responses, then ``200`` with an empty
body. Decoding with the official schema is left to the tests that need the
``opentelemetry-proto`` package, so the delivery tests run without it.

The exporters' tests (``opentelemetry-sdk/tests/.../export/otlp/``) and the
examples' tests (``tests/``) both send to it: the root ``conftest.py`` loads
this module as a pytest plugin, so its fixtures (``receiver``,
``start_receiver``) reach every test, and a conftest can import
:class:`OTLPReceiver` to build another kind (``tls_receiver``).
"""

import gzip
import http.server
import ssl
import sys
import threading
import time
from typing import Dict, List, NamedTuple, Optional, Tuple

import pytest


class ReceivedRequest(NamedTuple):
    path: str
    headers: Dict[str, str]
    body: bytes
    raw_body: bytes
    client_address: Tuple[str, int]
    #: ``time.monotonic()`` when the request was read.
    received_at: float


class Response(NamedTuple):
    status: int = 200
    headers: Tuple[Tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    close: bool = False


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: Tuple[str, int]) -> None:
        """A client that went away (an exporter that timed out) is expected here."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class OTLPReceiver:
    """A scripted OTLP/HTTP server; see the module docstring."""

    def __init__(self, tls: Optional[ssl.SSLContext] = None, port: int = 0) -> None:
        self.requests: List[ReceivedRequest] = []
        self.responses_sent = 0
        self.closed_connections = 0
        self._script: List[Response] = []
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self._stopping = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is visible
            timeout = 10  # an idle keep-alive connection ends after this

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                body = raw
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(raw)
                with receiver._received:
                    receiver.requests.append(
                        ReceivedRequest(
                            self.path,
                            dict(self.headers),
                            body,
                            raw,
                            self.client_address,
                            time.monotonic(),
                        )
                    )
                    receiver._received.notify_all()
                response = receiver._next_response()
                if response.delay and receiver._stopping.wait(response.delay):
                    self.close_connection = True  # closing: the client gave up long ago
                    return
                self.send_response(response.status)
                for name, value in response.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
                self.wfile.flush()
                with receiver._lock:
                    receiver.responses_sent += 1
                if response.close:
                    self.close_connection = True

            def finish(self) -> None:
                super().finish()
                with receiver._received:
                    receiver.closed_connections += 1
                    receiver._received.notify_all()

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests assert on recorded requests instead."""

        self._server = _QuietServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def endpoint(self) -> str:
        """The base URL to give the exporter."""
        scheme = "http" if not isinstance(self._server.socket, ssl.SSLSocket) else "https"
        return "{}://127.0.0.1:{}".format(scheme, self._server.server_address[1])

    def respond(
        self,
        status: int,
        headers: Tuple[Tuple[str, str], ...] = (),
        body: bytes = b"",
        delay: float = 0.0,
        close: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests so, after those already scripted.

        ``delay`` holds the answer back (until the receiver closes at the
        latest); ``close`` closes the connection after the answer without
        announcing it, as a server dropping an idle keep-alive connection does.
        """
        with self._lock:
            self._script.extend([Response(status, headers, body, delay, close)] * times)

    def _next_response(self) -> Response:
        with self._lock:
            return self._script.pop(0) if self._script else Response()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> List[ReceivedRequest]:
        """The requests once there are ``count`` of them (or after ``timeout``)."""
        with self._received:
            self._received.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def wait_for_closed_connections(self, count: int, timeout: float = 10.0) -> int:
        """How many connections have closed, once ``count`` have (or after ``timeout``)."""
        with self._received:
            self._received.wait_for(lambda: self.closed_connections >= count, timeout)
            return self.closed_connections

    def close(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@pytest.fixture
def start_receiver():
    """Starts receivers (``port=`` to choose one) and closes them after the test."""
    started = []

    def start(port: int = 0) -> OTLPReceiver:
        started.append(OTLPReceiver(port=port))
        return started[-1]

    yield start
    for server in started:
        server.close()


@pytest.fixture
def receiver():
    server = OTLPReceiver()
    yield server
    server.close()
