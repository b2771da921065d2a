"""Send spans to any OTLP/HTTP backend, with the standard library alone."""

import logging
import os
import threading
from typing import Mapping, Optional, Sequence

from opentelemetry.util._error_handler import report_failure

from ...._fork_safety import renew_locks_after_fork
from ...span import Span
from ..span_exporter import SpanExporter, SpanExportResult
from . import _json_encoding, _protobuf_encoding
from ._encoding_failures import EncodingFailures
from ._environment import resolve_settings
from ._otlp_client import OTLPClient, encodings

__all__ = ["OTLPSpanExporter"]

logger = logging.getLogger(__name__)

_ENCODINGS = encodings(_protobuf_encoding, _json_encoding)


class OTLPSpanExporter(SpanExporter):
    """An exporter that POSTs spans to an OTLP/HTTP endpoint: a Collector, Jaeger, Tempo...

    Each export is one ``ExportTraceServiceRequest`` to ``<endpoint>/v1/traces``,
    with the spans grouped by resource and instrumentation scope, in binary
    protobuf (``application/x-protobuf``) or OTLP/JSON (``application/json``).
    The encoders are written by hand: the exporter needs nothing outside the
    standard library. Pair it with the batch processor in production; every
    export is a network round trip.

    :param endpoint: The base URL, ``http://`` or ``https://``; ``/v1/traces``
        is appended. Default: ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` (used as
        given, path included), else ``OTEL_EXPORTER_OTLP_ENDPOINT`` (a base
        URL), else ``http://localhost:4318``.
    :param headers: Extra request headers, such as an API key. Default:
        ``OTEL_EXPORTER_OTLP_TRACES_HEADERS``, else ``OTEL_EXPORTER_OTLP_HEADERS``,
        as ``key1=value1,key2=value2`` with percent-encoded values.
    :param timeout: The most one export may take, retries included, in
        seconds. Default: ``OTEL_EXPORTER_OTLP_TRACES_TIMEOUT``, else
        ``OTEL_EXPORTER_OTLP_TIMEOUT`` (both in milliseconds), else 10 s.
    :param compression: ``"gzip"`` or ``"none"``. Default:
        ``OTEL_EXPORTER_OTLP_TRACES_COMPRESSION``, else
        ``OTEL_EXPORTER_OTLP_COMPRESSION``, else ``"none"``.
    :param encoding: ``"protobuf"`` or ``"json"``. Default:
        ``OTEL_EXPORTER_OTLP_TRACES_PROTOCOL``, else ``OTEL_EXPORTER_OTLP_PROTOCOL``
        (``http/protobuf`` or ``http/json``), else ``"protobuf"``.
    :param certificate_file: PEM file of the CA certificates that verify an
        ``https`` server, instead of the system's. Default:
        ``OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE``, else ``OTEL_EXPORTER_OTLP_CERTIFICATE``.
    :param client_certificate_file: PEM file of a client certificate, for
        mutual TLS. Default: ``OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE``,
        else ``OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE``.
    :param client_key_file: PEM file of that certificate's private key, if
        not in the certificate file. Default: ``OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY``,
        else ``OTEL_EXPORTER_OTLP_CLIENT_KEY``.

    An invalid argument or variable is logged as a warning and the next
    source is used; the constructor never raises for bad configuration.

    Delivery. One connection is kept open and reused. ``timeout`` bounds the
    whole export, however slowly the server answers. Responses 429, 502, 503
    and 504 and network errors are retried with exponential backoff and
    jitter, or after the server's ``Retry-After`` when that is longer, as long
    as the retry starts within ``timeout``; then the export returns
    ``FAILED_RETRYABLE``, and a ``Retry-After`` not yet over holds back the
    exports that follow (five minutes at most). Any other error response
    returns ``FAILED_NOT_RETRYABLE`` at once and logs the server's message. A
    response that accepts the request but rejects some spans (a partial
    success) returns ``SUCCESS`` and logs how many were rejected and why:
    resending them would fail the same way. Failures are logged as warnings,
    each message template at most once a minute, with the server's text
    escaped; header values and endpoint credentials never appear in a log
    line or in the ``repr``. See "Delivery and failures" in the OTLP guide.

    Mapping. Span kinds become OTLP kinds (INTERNAL=1 ... CONSUMER=5); the
    ``OK`` status becomes ``STATUS_CODE_OK``; any other canonical code becomes
    ``STATUS_CODE_ERROR`` with the description as message (the code's name
    when there is no description); the resource's labels become the
    resource's attributes; the tracer's instrumentation name and version
    become the instrumentation scope; trace state is sent in its W3C header
    form; the trace flags go in ``flags``. Integers past the signed 64-bit
    range are sent as decimal strings. An attribute value OTLP cannot hold
    (possible only in spans built outside the SDK's checks) is left out and counted
    in the dropped attributes. A span that cannot be encoded at all (an id
    that is not a 128- or 64-bit int, a trace state that is not a mapping) is
    left out of the request, logged and counted in
    :attr:`spans_dropped_unencodable`; the other spans of its batch are sent.
    ``export`` never raises.

    .. versionadded:: 0.3
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        compression: Optional[str] = None,
        encoding: Optional[str] = None,
        certificate_file: Optional[str] = None,
        client_certificate_file: Optional[str] = None,
        client_key_file: Optional[str] = None,
    ) -> None:
        settings = resolve_settings(
            os.environ,
            endpoint=endpoint,
            headers=headers,
            timeout=timeout,
            compression=compression,
            encoding=encoding,
            certificate_file=certificate_file,
            client_certificate_file=client_certificate_file,
            client_key_file=client_key_file,
        )
        self._client = OTLPClient(settings, _ENCODINGS, "spans")
        self._shut_down = False
        self._dropped_unencodable = 0
        self._count_lock = threading.Lock()  # exports may run on several threads at once
        renew_locks_after_fork(self)

    def export(self, spans: Sequence[Span]) -> SpanExportResult:
        """Send ``spans`` in one request; see the class for how failures map to results."""
        if self._shut_down:
            return SpanExportResult.FAILED_NOT_RETRYABLE
        try:
            count = len(spans)
        except TypeError:
            report_failure(
                logger,
                "%r was given %s to export, not a sequence of spans",
                self,
                type(spans).__name__,
            )
            return SpanExportResult.FAILED_NOT_RETRYABLE
        if not count:
            return SpanExportResult.SUCCESS
        failures = EncodingFailures()
        result = self._client.send(spans, count, failures)
        if failures.dropped:
            with self._count_lock:
                self._dropped_unencodable += failures.dropped
        return result

    def _renew_locks_after_fork(self) -> None:
        self._count_lock = threading.Lock()

    @property
    def spans_dropped_unencodable(self) -> int:
        """Spans left out of their request because they could not be encoded."""
        return self._dropped_unencodable

    def shutdown(self) -> None:
        """Close the connection; exports fail at once from now on.

        An export in progress on another thread stops retrying, and this
        waits for its request in flight, at most the timeout.
        """
        self._shut_down = True
        self._client.close()

    def __repr__(self) -> str:
        return "OTLPSpanExporter(url={!r}, encoding={!r})".format(
            self._client.url, self._client.encoding_name
        )
