"""What every OTLP/HTTP exporter shares, whatever the signal: encoding, connection, results.

The span and metrics exporters differ in what they encode and in the word
their log lines use; the settings, the TLS context, the sender with its
retries and deadline, and the reading of partial successes are the same.
"""

import logging
from typing import Any, Callable, Mapping, NamedTuple, Optional, Tuple

from ...._error_handler import report_failure
from ..span_exporter import SpanExportResult
from ._environment import ExporterSettings
from ._http_sender import HTTPSender, printable, tls_context

__all__ = ["Encoding", "OTLPClient"]

logger = logging.getLogger(__name__)


class Encoding(NamedTuple):
    """One wire format of a signal: its content type, encoder and response readers."""

    content_type: str
    encode_request: Callable[[Any], bytes]
    decode_partial_success: Callable[[bytes], Optional[Tuple[int, str]]]
    decode_error_message: Callable[[bytes], str]


class OTLPClient:
    """Encodes batches and POSTs them to one OTLP/HTTP endpoint, as ``settings`` say.

    :param encodings: The signal's encodings, by name (``"protobuf"``, ``"json"``).
    :param items: What a batch holds, for log lines (``"spans"``, ``"data points"``).
    """

    def __init__(
        self, settings: ExporterSettings, encodings: Mapping[str, Encoding], items: str
    ) -> None:
        self.url = settings.url
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
        )

    def send(self, batch: Any, count: int) -> SpanExportResult:
        """Encode ``batch`` (``count`` items) and send it; see :class:`HTTPSender` for results."""
        body = self._encoding.encode_request(batch)
        result, response = self._sender.send(body, count)
        if result is SpanExportResult.SUCCESS and response:
            self._log_partial_success(response, count)
        return result

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
        """Stop retrying, wait for a request in flight (at most the timeout), close the connection."""
        self._sender.close()
