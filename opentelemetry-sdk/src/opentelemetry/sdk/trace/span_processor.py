"""Span processors: the hooks through which started and ended spans flow."""

from __future__ import annotations

import logging
import threading
import time

from opentelemetry.util._error_handler import report_exception
from .._fork_safety import renew_locks_after_fork
from ._timeouts import checked_timeout_millis

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

    from .span import Span

__all__ = ["MultiSpanProcessor", "SpanProcessor"]

logger = logging.getLogger(__name__)


class SpanProcessor:
    """Receives every sampled span when it starts and when it ends.

    This base does nothing; export processors forward ended spans to an
    exporter. ``on_start`` and ``on_end`` run on the application's thread
    inside the span's start and end, so they must be quick.
    """

    def on_start(self, span: "Span") -> None:
        """Called when ``span`` starts."""

    def on_end(self, span: "Span") -> None:
        """Called when ``span`` ends."""

    def shutdown(self) -> None:
        """Release resources; called once when the tracer source shuts down."""

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export what is pending; whether it finished within the timeout.

        Nothing is pending here, so it finished.
        """
        return True


class MultiSpanProcessor(SpanProcessor):
    """Forwards to several processors in the order they were added.

    A processor is any object with the :class:`SpanProcessor` methods (a
    subclass, or a duck-typed or mock object). One that raises is reported
    and skipped; the others and the application carry on. Only
    ``KeyboardInterrupt`` and ``SystemExit`` reach the caller, as the
    application's own. Adding copies the tuple of processors, so the hot
    path reads it without a lock.

    Spans keep a reference to the chain, not to its processors, and look at
    it when they start and when they end (as in v0.3): a processor added
    while a span is open sees that span end.
    """

    def __init__(self) -> None:
        self._span_processors: "tuple[SpanProcessor, ...]" = ()
        # Only the processors that override on_start: most (the export
        # processors) do nothing there, and a call per span is measurable.
        self._starting_processors: "tuple[SpanProcessor, ...]" = ()
        self._lock = threading.RLock()  # re-entrant: a signal handler may add too
        renew_locks_after_fork(self)
        # What a span calls when it starts and when it ends: None when there
        # is nothing to call, the processor itself when there is one, this
        # chain when there are more. Skipping the fan-out for one processor
        # (the usual case) saves a call and a loop per span.
        self._start_target: Optional[SpanProcessor] = None
        self._end_target: Optional[SpanProcessor] = None

    def _renew_locks_after_fork(self) -> None:
        self._lock = threading.RLock()

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        """Append ``span_processor``; it sees spans that end from now on.

        Something without callable ``on_start`` and ``on_end`` methods is
        refused with a warning.
        """
        if not all(callable(getattr(span_processor, name, None)) for name in ("on_start", "on_end")):
            logger.warning(
                "Ignored span processor %r: it has no on_start and on_end methods", span_processor
            )
            return
        with self._lock:
            self._span_processors += (span_processor,)
            # getattr on the type: a duck-typed processor may not define it there.
            if getattr(type(span_processor), "on_start", None) is not SpanProcessor.on_start:
                self._starting_processors += (span_processor,)
            self._start_target = _target_for(self, self._starting_processors)
            self._end_target = _target_for(self, self._span_processors)

    def on_start(self, span: "Span") -> None:
        for processor in self._starting_processors:
            try:
                processor.on_start(span)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # isolate the application from a broken processor
                report_exception(logger, "%r failed in on_start", processor)

    def on_end(self, span: "Span") -> None:
        for processor in self._span_processors:
            try:
                processor.on_end(span)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # isolate the application from a broken processor
                report_exception(logger, "%r failed in on_end", processor)

    def shutdown(self) -> None:
        for processor in self._span_processors:
            try:
                if hasattr(processor, "shutdown"):  # a duck-typed processor may not have it
                    processor.shutdown()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # one failure must not stop the others shutting down
                report_exception(logger, "%r failed in shutdown", processor)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush each processor in turn within one shared deadline.

        A timeout that is not a number, or ``nan``, is logged and the default
        used; ``inf`` or a huge one is capped.
        """
        timeout = checked_timeout_millis("force_flush timeout", timeout_millis, 30000)
        deadline = time.monotonic() + timeout / 1000
        flushed = True
        for processor in self._span_processors:
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if not hasattr(processor, "force_flush"):  # v0.3 processors may not have it
                continue
            try:
                flushed = processor.force_flush(remaining) and flushed
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # one failure must not stop the others flushing
                report_exception(logger, "%r failed in force_flush", processor)
                flushed = False
        return flushed


def _target_for(
    chain: MultiSpanProcessor, processors: "tuple[SpanProcessor, ...]"
) -> Optional[SpanProcessor]:
    """What spans call for ``processors``: nothing, the only one, or the whole chain."""
    if not processors:
        return None
    if len(processors) == 1:
        return processors[0]
    return chain
