"""Delivery of OTLP/HTTP requests: one persistent connection, retries, a deadline.

The OTLP specification makes 429, 502, 503 and 504 responses transient, as
are network errors; they are retried with exponential backoff and jitter,
or after the server's ``Retry-After``, for as long as the export's timeout
allows. Every other failure is final. Standard library only: ``http.client``
and ``ssl``.
"""

import email.utils
import gzip
import http.client
import importlib.metadata
import logging
import os
import random
import ssl
import threading
import time
import urllib.parse
from typing import Callable, Dict, Mapping, Optional, Tuple, Union

from ...._error_handler import report_failure
from ..span_exporter import SpanExportResult

__all__ = ["HTTPSender", "retry_after_seconds", "tls_context"]

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset((429, 502, 503, 504))
#: Backoff before the first retry and the most between two, in seconds
#: (read at each retry, so tests can make them small).
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 32.0
# A successful response is tiny (at most a partial success); a body past
# this is not read, and the connection is dropped instead of reused.
_MAX_RESPONSE_BYTES = 64 * 1024
# Level 6 compresses OTLP nearly as well as the default 9 at a fraction of the cost.
_GZIP_LEVEL = 6
# Network failures (refused, reset, timed out, TLS) and malformed responses.
_TRANSIENT_ERRORS = (OSError, http.client.HTTPException)
# A server may close an idle keep-alive connection just as a request is sent.
_STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)

_Connection = Union[http.client.HTTPConnection, http.client.HTTPSConnection]


def tls_context(
    certificate_file: Optional[str],
    client_certificate_file: Optional[str],
    client_key_file: Optional[str],
) -> ssl.SSLContext:
    """A client TLS context that verifies servers, with the given certificates.

    A file that cannot be loaded is logged as a warning: the system's CA
    certificates, or no client certificate, are used instead.
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
            context.load_cert_chain(client_certificate_file, client_key_file)
        except (OSError, ssl.SSLError) as error:
            logger.warning(
                "Could not load the client certificate %r (%s); sending none",
                client_certificate_file,
                error,
            )
    return context


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """The delay a ``Retry-After`` header asks for: seconds, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return max(moment.timestamp() - time.time(), 0.0)


class HTTPSender:
    """Posts request bodies to one URL and retries what the specification calls transient.

    ``send`` returns the export result and, on success, the response body.
    ``close`` interrupts a backoff wait in progress, waits for a request in
    progress (at most the timeout), and closes the connection; ``send``
    fails at once after it.
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
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        self._url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname or ""
        self._port = parts.port
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
        # Held for a whole send, so close() never closes a socket in use.
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def send(self, body: bytes, span_count: int) -> Tuple[SpanExportResult, bytes]:
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
            payload = gzip.compress(body, _GZIP_LEVEL) if self._gzip else body
            return self._send_until_deadline(payload, span_count)

    def _send_until_deadline(
        self, payload: bytes, span_count: int
    ) -> Tuple[SpanExportResult, bytes]:
        deadline = time.monotonic() + self._timeout
        attempt = 0
        last_failure = ""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:  # the last wait overran the deadline
                return self._give_up(last_failure)
            reused = self._connection_used
            try:
                status, reason, retry_after, body = self._post(payload, remaining)
            except ssl.SSLCertVerificationError as error:
                self._drop_connection()
                report_failure(
                    logger, "Could not verify the TLS certificate of %s: %s", self._url, error
                )
                return SpanExportResult.FAILED_NOT_RETRYABLE, b""
            except _TRANSIENT_ERRORS as error:
                self._drop_connection()
                last_failure = "{}: {}".format(type(error).__name__, error)
                if reused and attempt == 0 and isinstance(error, _STALE_CONNECTION_ERRORS):
                    # The server closed the idle connection: retry at once, on a new one.
                    wait = 0.0
                else:
                    wait = self._backoff(attempt)
            else:
                if 200 <= status < 300:
                    return SpanExportResult.SUCCESS, body
                last_failure = "HTTP {} {}{}".format(status, reason, self._describe(body))
                if status not in RETRYABLE_STATUSES:
                    report_failure(logger, "%s rejected spans: %s", self._url, last_failure)
                    return SpanExportResult.FAILED_NOT_RETRYABLE, b""
                wait = self._backoff(attempt) if retry_after is None else retry_after
            if time.monotonic() + wait >= deadline:
                return self._give_up(last_failure)
            if self._closed.wait(wait):
                logger.warning("Gave up sending %d spans to %s: shut down", span_count, self._url)
                return SpanExportResult.FAILED_RETRYABLE, b""
            attempt += 1

    def _give_up(self, last_failure: str) -> Tuple[SpanExportResult, bytes]:
        """Report that the timeout leaves no room for another attempt."""
        report_failure(
            logger,
            "Could not send spans to %s within %ss; last attempt: %s",
            self._url,
            self._timeout,
            last_failure,
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
        except ValueError:
            message = body[:200].decode("utf-8", "replace").strip()
        return ": " + message if message else ""

    def _post(self, payload: bytes, timeout: float) -> Tuple[int, str, Optional[float], bytes]:
        """One request: status, reason, ``Retry-After`` delay and body of the response."""
        connection = self._connection
        if connection is None:
            connection = self._connection = self._connect(timeout)
            self._connection_used = False
        else:
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
        connection.request("POST", self._target, body=payload, headers=self._headers)
        response = connection.getresponse()
        body = response.read(_MAX_RESPONSE_BYTES + 1)
        self._connection_used = True
        if response.will_close or len(body) > _MAX_RESPONSE_BYTES:
            self._drop_connection()
        retry_after = retry_after_seconds(response.getheader("Retry-After"))
        return response.status, response.reason, retry_after, body[:_MAX_RESPONSE_BYTES]

    def _connect(self, timeout: float) -> _Connection:
        if self._https:
            return http.client.HTTPSConnection(
                self._host, self._port, timeout=timeout, context=self._tls
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=timeout)

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
