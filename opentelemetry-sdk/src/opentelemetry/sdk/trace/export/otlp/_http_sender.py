"""Delivery of OTLP/HTTP requests: one persistent connection, retries, a deadline.

The OTLP specification makes 429, 502, 503 and 504 responses transient, as
are network errors; they are retried with exponential backoff and jitter,
or after the server's ``Retry-After`` (never sooner than the backoff), for
as long as the export's timeout allows. A ``Retry-After`` the timeout cannot
wait out holds back the next exports too. Every other failure is final.

The timeout bounds the whole export: every socket operation (connecting, the
TLS handshake, sending, each read of the response) gets only the time left
until one deadline, so a server that trickles its answer a byte at a time
cannot stretch it. Standard library only: ``http.client``, ``socket`` and
``ssl``.
"""

import email.utils
import gzip
import http.client
import importlib.metadata
import io
import logging
import math
import os
import random
import select
import socket
import ssl
import threading
import time
import urllib.parse
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from opentelemetry.util._error_handler import report_exception, report_failure
from .._shutdown_exports import exporting_at_shutdown
from ..span_exporter import SpanExportResult
from ._environment import shown_url

__all__ = ["HTTPSender", "printable", "retry_after_seconds", "tls_context"]

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset((429, 502, 503, 504))
#: Backoff before the first retry and the most between two, in seconds
#: (read at each retry, so tests can make them small).
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 32.0
#: The longest a server's ``Retry-After`` holds back later exports: a
#: misconfigured server must not silence the exporter for hours.
MAX_RETRY_AFTER_SECONDS = 300.0
# A successful response is tiny (at most a partial success); a body past
# this is not read, and the connection is dropped instead of reused.
_MAX_RESPONSE_BYTES = 64 * 1024
# Level 6 compresses OTLP nearly as well as the default 9 at a fraction of the cost.
_GZIP_LEVEL = 6
# Network failures (refused, reset, timed out, TLS) and malformed responses.
_TRANSIENT_ERRORS = (OSError, http.client.HTTPException)
# A server may close an idle keep-alive connection just as a request is sent.
_STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

# Sent in pieces, so the deadline is checked between them (a TLS socket's
# sendall restarts its timeout at each write).
_SEND_CHUNK_BYTES = 64 * 1024
# How much of a server's text (error message, reason) goes into a log line.
_MAX_LOGGED_CHARACTERS = 200

_Connection = Union[http.client.HTTPConnection, http.client.HTTPSConnection]


def printable(text: str, limit: int = _MAX_LOGGED_CHARACTERS) -> str:
    """``text`` from a server, safe for a log line: at most ``limit`` characters,
    line breaks and other unprintable characters escaped (``\\n``, ``\\u2028``),
    so it cannot forge a log line of its own."""
    if len(text) > limit:
        text = text[:limit] + "..."
    if text.isprintable():
        return text
    return "".join(
        character if character.isprintable() else character.encode("unicode_escape").decode()
        for character in text
    )


def _refuse_pass_phrase() -> str:
    """Stands in for OpenSSL's terminal prompt, which would block the constructor."""
    raise ValueError("the client key is encrypted; the exporter takes no pass-phrase")


def tls_context(
    certificate_file: Optional[str],
    client_certificate_file: Optional[str],
    client_key_file: Optional[str],
) -> ssl.SSLContext:
    """A client TLS context that verifies servers, with the given certificates.

    A file that cannot be loaded is logged as a warning: the system's CA
    certificates, or no client certificate, are used instead. An encrypted
    client key is such a file: OpenSSL is never let to prompt for its
    pass-phrase.
    """
    context = ssl.create_default_context()
    if certificate_file:
        try:
            context.load_verify_locations(cafile=certificate_file)
        except (OSError, ssl.SSLError) as error:
            logger.warning(
                "Could not load CA certificates from %r (%s); using the system's",
                certificate_file,
                error,
            )
            context = ssl.create_default_context()
    if client_certificate_file:
        try:
            context.load_cert_chain(
                client_certificate_file, client_key_file, password=_refuse_pass_phrase
            )
        except (OSError, ssl.SSLError, ValueError) as error:
            logger.warning(
                "Could not load the client certificate %r (%s); sending none",
                client_certificate_file,
                error,
            )
    return context


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """The delay a ``Retry-After`` header asks for: seconds, or an HTTP date.

    ``None`` for anything else; a malformed value never raises.
    """
    if not value:
        return None
    value = value.strip()
    # isdigit() alone accepts "²", which float() refuses.
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(moment.timestamp() - time.time(), 0.0)


class _DeadlineSocket:
    """A connected socket whose operations all end by one deadline.

    ``http.client`` gives each socket operation the full timeout, so a server
    sending one byte at a time never lets it expire. This gives each
    operation only the time left until :attr:`deadline` (set before each
    request) and raises ``socket.timeout`` once none is left.
    """

    def __init__(self, sock: socket.socket, clock: Callable[[], float]) -> None:
        self._sock = sock
        self._clock = clock
        self.deadline = math.inf

    def _arm(self) -> None:
        remaining = self.deadline - self._clock()
        if remaining <= 0:
            raise socket.timeout("timed out: the export's timeout ran out")
        self._sock.settimeout(remaining)

    def sendall(self, data: Any) -> None:
        view = memoryview(data).cast("B")
        for start in range(0, len(view), _SEND_CHUNK_BYTES):
            self._arm()
            self._sock.sendall(view[start : start + _SEND_CHUNK_BYTES])

    def recv_into(self, buffer: Any) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        """The response reader ``http.client`` asks for: reads through the deadline."""
        return io.BufferedReader(_DeadlineReader(self))

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    """The raw stream under a response: each read bounded by the socket's deadline."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)


def _wait_for_socket(sock: ssl.SSLSocket, writable: bool, remaining: float) -> None:
    readers, writers = ([], [sock]) if writable else ([sock], [])
    if remaining <= 0 or not any(select.select(readers, writers, [], remaining)):
        raise socket.timeout("timed out: the export's timeout ran out in the TLS handshake")


class HTTPSender:
    """Posts request bodies to one URL and retries what the specification calls transient.

    ``send`` returns the export result and, on success, the response body; it
    never raises. ``close`` interrupts a backoff wait in progress, waits for a
    request in progress (at most the timeout), and closes the connection;
    ``send`` fails at once after it.

    ``items`` names what a request carries in log lines (``"spans"``,
    ``"data points"``). ``clock`` (a monotonic clock, in seconds) and
    ``sleep`` (waits the given seconds, ``True`` if interrupted by ``close``)
    are there for tests: delays are then requested rather than waited.
    """

    def __init__(
        self,
        url: str,
        headers: Mapping[str, str],
        timeout: float,
        compression: str,
        content_type: str,
        tls: Optional[ssl.SSLContext],
        read_error_message: Callable[[bytes], str],
        clock: Callable[[], float] = time.monotonic,
        sleep: Optional[Callable[[float], bool]] = None,
        items: str = "spans",
    ) -> None:
        self._items = items
        parts = urllib.parse.urlsplit(url)
        self._url = shown_url(url)  # for log lines: the request uses the parts above
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port or (443 if self._https else 80)
        self._target = parts.path or "/"
        if parts.query:
            self._target += "?" + parts.query
        self._timeout = timeout
        self._gzip = compression == "gzip"
        self._tls = tls
        self._read_error_message = read_error_message
        request_headers: Dict[str, str] = {"User-Agent": _user_agent()}
        request_headers.update(headers)
        request_headers["Content-Type"] = content_type
        if self._gzip:
            request_headers["Content-Encoding"] = "gzip"
        self._headers = request_headers
        self._connection: Optional[_Connection] = None
        self._connection_used = False
        self._closed = threading.Event()
        self._clock = clock
        self._sleep = self._closed.wait if sleep is None else sleep
        # The clock time before which the server asked for no request (Retry-After).
        self._not_before = -math.inf
        # Held for a whole send, so close() never closes a socket in use.
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def send(self, body: bytes, count: int) -> Tuple[SpanExportResult, bytes]:
        """POST ``body`` until it is accepted, fails for good, or time runs out."""
        if self._closed.is_set():
            return SpanExportResult.FAILED_NOT_RETRYABLE, b""
        if self._pid != os.getpid():
            # A forked child: the lock may be held by a thread that does not
            # exist here, and the socket is the parent's.
            self._pid = os.getpid()
            self._lock = threading.Lock()
            self._connection = None
        with self._lock:
            try:
                payload = gzip.compress(body, _GZIP_LEVEL) if self._gzip else body
                return self._send_until_deadline(payload, count)
            except Exception:  # a failure nobody foresaw must not reach the application
                self._drop_connection()
                report_exception(
                    logger, "Sending %d %s to %s failed", count, self._items, self._url
                )
                return SpanExportResult.FAILED_NOT_RETRYABLE, b""

    def _send_until_deadline(self, payload: bytes, count: int) -> Tuple[SpanExportResult, bytes]:
        clock = self._clock
        deadline = clock() + self._timeout
        held_back = self._not_before - clock()
        if held_back > 0:
            if clock() + held_back >= deadline:
                report_failure(
                    logger,
                    "Did not send %d %s to %s: it asked for no request in the next %.1fs",
                    count,
                    self._items,
                    self._url,
                    held_back,
                )
                return SpanExportResult.FAILED_RETRYABLE, b""
            if self._sleep(held_back):
                return self._shut_down(count)
        attempt = 0
        last_failure = ""
        while True:
            remaining = deadline - clock()
            if remaining <= 0:  # the last wait overran the deadline
                return self._give_up(last_failure)
            reused = self._connection_used
            try:
                status, reason, retry_after, body = self._post(payload, deadline)
            except ssl.SSLCertVerificationError as error:
                self._drop_connection()
                report_failure(
                    logger,
                    "Could not verify the TLS certificate of %s: %s",
                    self._url,
                    printable(str(error)),  # may quote the server's certificate
                )
                return SpanExportResult.FAILED_NOT_RETRYABLE, b""
            except _TRANSIENT_ERRORS as error:
                self._drop_connection()
                last_failure = "{}: {}".format(type(error).__name__, error)
                if isinstance(error, ConnectionRefusedError) and exporting_at_shutdown():
                    # Nothing listens there, and at shutdown nobody waits for it to return.
                    report_failure(
                        logger,
                        "Could not send %s to %s at shutdown: %s",
                        self._items,
                        self._url,
                        printable(last_failure),
                    )
                    return SpanExportResult.FAILED_NOT_RETRYABLE, b""
                if reused and attempt == 0 and isinstance(error, _STALE_CONNECTION_ERRORS):
                    # The server closed the idle connection: retry at once, on a new one.
                    wait = 0.0
                else:
                    wait = self._backoff(attempt)
            else:
                if 200 <= status < 300:
                    self._not_before = -math.inf
                    return SpanExportResult.SUCCESS, body
                last_failure = "HTTP {} {}{}".format(status, reason, self._describe(body))
                if status not in RETRYABLE_STATUSES:
                    report_failure(
                        logger,
                        "%s rejected %s: %s",
                        self._url,
                        self._items,
                        printable(last_failure),
                    )
                    return SpanExportResult.FAILED_NOT_RETRYABLE, b""
                # The server's delay when it asks for one, but never less than
                # the backoff: "Retry-After: 0" must not turn into a flood.
                wait = self._backoff(attempt)
                if retry_after is not None:
                    wait = max(wait, retry_after)
                    self._not_before = clock() + min(retry_after, MAX_RETRY_AFTER_SECONDS)
            if clock() + wait >= deadline:
                return self._give_up(last_failure)
            if self._sleep(wait):
                return self._shut_down(count)
            attempt += 1

    def _shut_down(self, count: int) -> Tuple[SpanExportResult, bytes]:
        logger.warning("Gave up sending %d %s to %s: shut down", count, self._items, self._url)
        return SpanExportResult.FAILED_RETRYABLE, b""

    def _give_up(self, last_failure: str) -> Tuple[SpanExportResult, bytes]:
        """Report that the timeout leaves no room for another attempt."""
        report_failure(
            logger,
            "Could not send %s to %s within %ss; last attempt: %s",
            self._items,
            self._url,
            self._timeout,
            printable(last_failure),
        )
        return SpanExportResult.FAILED_RETRYABLE, b""

    @staticmethod
    def _backoff(attempt: int) -> float:
        """Exponential backoff with jitter: half the delay fixed, half random."""
        delay = min(BACKOFF_BASE_SECONDS * (1 << min(attempt, 32)), BACKOFF_CAP_SECONDS)
        return delay / 2 + random.uniform(0, delay / 2)

    def _describe(self, body: bytes) -> str:
        """``": <message>"`` from an error body, or ``""``."""
        try:
            message = self._read_error_message(body) if body else ""
        except Exception:  # not the format promised: show it as text
            message = body[:_MAX_LOGGED_CHARACTERS].decode("utf-8", "replace").strip()
        return ": " + printable(message) if message else ""

    def _post(self, payload: bytes, deadline: float) -> Tuple[int, str, Optional[float], bytes]:
        """One request: status, reason, ``Retry-After`` delay and body of the response."""
        connection = self._connection
        if connection is None or connection.sock is None:
            connection = self._connection = self._connect(deadline)
            self._connection_used = False
        sock = connection.sock
        assert isinstance(sock, _DeadlineSocket)  # as _connect leaves it
        sock.deadline = deadline
        connection.request("POST", self._target, body=payload, headers=self._headers)
        response = connection.getresponse()
        body = response.read(_MAX_RESPONSE_BYTES + 1)
        self._connection_used = True
        if response.will_close or len(body) > _MAX_RESPONSE_BYTES:
            self._drop_connection()
        retry_after = retry_after_seconds(response.getheader("Retry-After"))
        return response.status, response.reason, retry_after, body[:_MAX_RESPONSE_BYTES]

    def _connect(self, deadline: float) -> _Connection:
        """A connection, its socket connected (and TLS established) before ``deadline``."""
        remaining = deadline - self._clock()
        if remaining <= 0:
            raise socket.timeout("timed out: the export's timeout ran out")
        connection: _Connection
        if self._https:
            connection = http.client.HTTPSConnection(self._host, self._port, context=self._tls)
        else:
            connection = http.client.HTTPConnection(self._host, self._port)
        # Connected here rather than by http.client, to put the deadline under it.
        sock = self._open_socket(deadline)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._https:
                sock = self._handshake(sock, deadline)
        except BaseException:
            sock.close()
            raise
        connection.sock = _DeadlineSocket(sock, self._clock)
        return connection

    def _open_socket(self, deadline: float) -> socket.socket:
        """A TCP connection to the host's first address that answers before ``deadline``.

        ``socket.create_connection`` gives each address the whole timeout:
        a name with three unreachable addresses would take three times it.
        """
        last_error: OSError = OSError("no address found for " + self._host)
        for family, kind, protocol, _, address in socket.getaddrinfo(
            self._host, self._port, type=socket.SOCK_STREAM
        ):
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise socket.timeout("timed out: the export's timeout ran out connecting")
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(remaining)
                sock.connect(address)
                return sock
            except OSError as error:
                sock.close()
                last_error = error
        raise last_error

    def _handshake(self, sock: socket.socket, deadline: float) -> ssl.SSLSocket:
        """The TLS handshake, step by step so that it too ends by ``deadline``."""
        assert self._tls is not None  # an https sender always has a context
        sock.setblocking(False)
        tls_sock = self._tls.wrap_socket(
            sock, server_hostname=self._host, do_handshake_on_connect=False
        )
        while True:
            try:
                tls_sock.do_handshake()
                return tls_sock
            except ssl.SSLWantReadError:
                _wait_for_socket(tls_sock, False, deadline - self._clock())
            except ssl.SSLWantWriteError:
                _wait_for_socket(tls_sock, True, deadline - self._clock())

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        self._connection_used = False
        if connection is not None:
            connection.close()

    def close(self) -> None:
        """Stop retrying, wait for a request in progress, close the connection."""
        self._closed.set()
        if self._lock.acquire(timeout=self._timeout + 1.0):
            try:
                self._drop_connection()
            finally:
                self._lock.release()
        else:
            logger.warning(
                "A request to %s outlived its timeout; not closing its connection", self._url
            )


def _user_agent() -> str:
    """``OTel-OTLP-Exporter-Python/<SDK version>``, the form the OTLP specification suggests."""
    try:
        return "OTel-OTLP-Exporter-Python/" + importlib.metadata.version("opentelemetry-sdk")
    except importlib.metadata.PackageNotFoundError:
        return "OTel-OTLP-Exporter-Python"
