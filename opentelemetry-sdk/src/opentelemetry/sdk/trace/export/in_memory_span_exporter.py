"""Keep spans in memory: the test helper for instrumented code."""

import threading
from typing import List, Sequence, Tuple

from ..._fork_safety import renew_locks_after_fork
from ..span import Span
from .span_exporter import SpanExporter, SpanExportResult

__all__ = ["InMemorySpanExporter"]


class InMemorySpanExporter(SpanExporter):
    """Collects exported spans in a list that tests can read.

    Thread-safe, and safe across fork and in signal handlers. After ``shutdown`` it accepts nothing more
    (``FAILED_NOT_RETRYABLE``) but keeps what it holds::

        exporter = InMemorySpanExporter()
        source.add_span_processor(SimpleExportSpanProcessor(exporter))
        run_the_code_under_test()
        assert [s.name for s in exporter.get_finished_spans()] == ["child", "parent"]
    """

    def __init__(self) -> None:
        self._finished_spans: List[Span] = []
        self._stopped = False
        # Re-entrant: a signal handler may end a span while this thread reads.
        self._lock = threading.RLock()
        renew_locks_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.RLock()

    def export(self, spans: Sequence[Span]) -> SpanExportResult:
        with self._lock:
            if self._stopped:
                return SpanExportResult.FAILED_NOT_RETRYABLE
            self._finished_spans.extend(spans)
        return SpanExportResult.SUCCESS

    def get_finished_spans(self) -> Tuple[Span, ...]:
        """The spans exported so far, in the order they ended."""
        with self._lock:
            return tuple(self._finished_spans)

    def clear(self) -> None:
        """Forget the spans exported so far."""
        with self._lock:
            self._finished_spans.clear()

    def shutdown(self) -> None:
        with self._lock:
            self._stopped = True
