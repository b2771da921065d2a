"""The exporter interface: where ended spans leave the process."""

import enum
import typing
from typing import Sequence

if typing.TYPE_CHECKING:
    from ..span import Span

__all__ = ["SpanExportResult", "SpanExporter"]


class SpanExportResult(enum.Enum):
    """The outcome of one export call."""

    #: The spans were delivered.
    SUCCESS = 0
    #: Delivery failed; trying the same spans again may succeed.
    FAILED_RETRYABLE = 1
    #: Delivery failed and would fail again; the spans are lost.
    FAILED_NOT_RETRYABLE = 2


class SpanExporter:
    """Sends finished spans to a backend, a file or memory.

    ``export`` is never called concurrently for one exporter by the SDK's
    processors, so an exporter needs no lock of its own for that. The
    processors call it with ``Context.suppress_instrumentation`` set, and the
    SDK records no span meanwhile: an exporter may use instrumented code (an
    HTTP client, logging) without its spans coming back to it. It should
    return a result rather than raise; what it raises anyway is reported and
    counted as a failed export (see :doc:`/failure-handling`).
    """

    def export(self, spans: Sequence["Span"]) -> SpanExportResult:
        """Deliver ``spans``."""
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release resources; ``export`` fails after this."""
