"""Export each span on the application's thread as it ends."""

import logging
import threading

from opentelemetry.util._error_handler import report_exception, report_failure
from ..._fork_safety import renew_locks_after_fork
from .. import _suppression
from .._suppression import suppressing_var
from ..span import Span
from ..span_processor import SpanProcessor
from .span_exporter import SpanExporter, SpanExportResult

__all__ = ["SimpleExportSpanProcessor"]

logger = logging.getLogger(__name__)


class SimpleExportSpanProcessor(SpanProcessor):
    """A processor that synchronously sends each span to an exporter as it ends.

    Simple and immediate, for development and tests; the export's cost is
    paid inside ``span.end()``. Use the batch processor in production.

    The export runs with ``Context.suppress_instrumentation`` set, so spans
    an instrumented exporter would make are not recorded. An exporter that
    raises is reported (rate-limited) and the span is lost; only
    ``KeyboardInterrupt`` and ``SystemExit`` reach the caller of ``end()``.
    Failures are logged after the export lock is released, so a logging
    handler that makes spans cannot deadlock.
    """

    def __init__(self, span_exporter: SpanExporter) -> None:
        self.span_exporter = span_exporter
        # Exporters are not called concurrently (see SpanExporter).
        # Re-entrant: a span ended inside the export on the same thread (a
        # signal handler, an exporter ending a span it did not start) must
        # not wait for itself. Renewed in a forked child.
        self._export_lock = threading.RLock()
        renew_locks_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._export_lock = threading.RLock()

    def on_end(self, span: Span) -> None:
        # Set and reset per span, about 0.1 us: the price of keeping an
        # instrumented exporter's own spans out. The global read skips a call.
        suppression = _suppression.var_if_registered or suppressing_var()
        token = suppression.set(True)
        try:
            # acquire/release rather than ``with``: about 100 ns less per span on CPython 3.11.
            self._export_lock.acquire()
            try:
                result = self.span_exporter.export((span,))
            finally:
                self._export_lock.release()
            if result is not SpanExportResult.SUCCESS:
                report_failure(logger, "%r did not export a span: %s", self.span_exporter, result)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # an exporter must not break the application
            report_exception(logger, "%r failed to export a span", self.span_exporter)
        finally:
            suppression.reset(token)

    def shutdown(self) -> None:
        suppression = suppressing_var()
        token = suppression.set(True)
        try:
            self.span_exporter.shutdown()
        finally:
            suppression.reset(token)
