"""What every OTLP/HTTP exporter shares, whatever the signal: encoding, connection, results.

The span and metrics exporters differ in what they encode and in the word
their log lines use; the settings, the TLS context, the sender with its
retries and deadline, and the reading of partial successes are the same.
"""

import logging
from types import ModuleType
from typing import Any, Callable, Dict, Mapping, NamedTuple, Optional, Tuple

from opentelemetry.util._error_handler import report_exception, report_failure
from ..span_exporter import SpanExportResult
from ._encoding_failures import EncodingFailures
from ._environment import ExporterSettings, shown_url
from ._http_sender import HTTPSender, printable, tls_context

__all__ = ["Encoding", "OTLPClient", "encodings"]

logger = logging.getLogger(__name__)


class Encoding(NamedTuple):
    """One wire format of a signal: its content type, encoder and response readers."""

    content_type: str
    #: ``encode_request(batch)``, or ``encode_request(batch, failures)`` for
    #: an encoder that leaves out what it cannot encode (an EncodingFailures).
    encode_request: Callable[..., bytes]
    decode_partial_success: Callable[[bytes], Optional[Tuple[int, str]]]
    decode_error_message: Callable[[bytes], str]


def encodings(protobuf: ModuleType, json: ModuleType) -> Dict[str, Encoding]:
    """A signal's two encodings by name, from its protobuf and JSON encoder modules.

    Each module has ``encode_request``, ``decode_partial_success`` and
    ``decode_error_message``.
    """
    return {
        "protobuf": _encoding_of("application/x-protobuf", protobuf),
        "json": _encoding_of("application/json", json),
    }


def _encoding_of(content_type: str, module: ModuleType) -> Encoding:
    return Encoding(
        content_type,
        module.encode_request,
        module.decode_partial_success,
        module.decode_error_message,
    )


class OTLPClient:
    """Encodes batches and POSTs them to one OTLP/HTTP endpoint, as ``settings`` say.

    :param encodings: The signal's encodings, by name (``"protobuf"``, ``"json"``).
    :param items: What a batch holds, for log lines (``"spans"``, ``"data points"``).
    """

    def __init__(
        self, settings: ExporterSettings, encodings: Mapping[str, Encoding], items: str
    ) -> None:
        #: The endpoint as logs and reprs show it: query values hidden.
        self.url = shown_url(settings.url)
        self.encoding_name = settings.encoding
        self._encoding = encodings[settings.encoding]
        self._items = items
        tls = None
        if settings.url.startswith("https:"):
            tls = tls_context(
                settings.certificate_file,
                settings.client_certificate_file,
                settings.client_key_file,
            )
        self._sender = HTTPSender(
            settings.url,
            settings.headers,
            settings.timeout,
            settings.compression,
            self._encoding.content_type,
            tls,
            self._encoding.decode_error_message,
            items=items,
        )

    def send(
        self, batch: Any, count: int, failures: Optional[EncodingFailures] = None
    ) -> SpanExportResult:
        """Encode ``batch`` (``count`` items) and send it; see :class:`HTTPSender` for results.

        With ``failures``, items that cannot be encoded are left out, logged
        and counted there, and the rest is sent (nothing, if nothing is left).
        Never raises.
        """
        try:
            if failures is None:
                body = self._encoding.encode_request(batch)
            else:
                body = self._encoding.encode_request(batch, failures)
                if failures.dropped:
                    self._report_unencodable(failures, count)
                    count -= failures.dropped
                    if count <= 0:
                        return SpanExportResult.FAILED_NOT_RETRYABLE
            result, response = self._sender.send(body, count)
            if result is SpanExportResult.SUCCESS and response:
                self._log_partial_success(response, count)
            return result
        except Exception:  # a failure nobody foresaw must not reach the processor
            report_exception(logger, "Exporting %s to %s failed", self._items, self.url)
            return SpanExportResult.FAILED_NOT_RETRYABLE

    def _report_unencodable(self, failures: EncodingFailures, count: int) -> None:
        error = failures.first_error
        report_failure(
            logger,
            "Left out %d of %d %s that could not be encoded for %s; the first: %s",
            failures.dropped,
            count,
            self._items,
            self.url,
            printable("{}: {}".format(type(error).__name__, error)),
        )

    def _log_partial_success(self, response: bytes, count: int) -> None:
        # The request was accepted: whatever the body holds, the export succeeded.
        try:
            partial = self._encoding.decode_partial_success(response)
        except Exception:  # malformed beyond ValueError too: nesting past the parser's depth
            logger.debug("Ignored an unreadable success response from %s", self.url, exc_info=True)
            return
        if partial is None:
            return
        rejected, message = partial
        if rejected or message:  # both empty: a full success, as the OTLP specification says
            report_failure(
                logger,
                "%s rejected %d of %d %s: %s",
                self.url,
                rejected,
                count,
                self._items,
                printable(message) or "no reason given",
            )

    def close(self) -> None:
        """Stop retrying, wait for a request in flight (at most the timeout), close."""
        self._sender.close()
