"""Export spans in batches from a background thread.

The application's thread only appends the ended span to a bounded queue; a
worker thread takes spans off in batches and hands them to the exporter. Every
span handed to the processor is accounted for: exported, dropped because the
queue was full, dropped because it ended after shutdown, or lost to an export
that failed for good. The counts are readable on the processor.
"""

import collections
import logging
import os
import threading
import time
from typing import Deque, List, Sequence, Tuple

from opentelemetry.util._error_handler import report_exception, report_failure
from ..._fork_safety import renew_locks_after_fork, reset_after_fork
from ...configuration import read_configuration
from .._suppression import suppressing_var
from .._timeouts import MAX_WAIT_MILLIS, checked_timeout_millis
from ..span import Span
from ..span_processor import SpanProcessor
from ._shutdown_exports import shutdown_exports
from .span_exporter import SpanExporter, SpanExportResult

__all__ = ["BatchExportSpanProcessor"]

logger = logging.getLogger(__name__)

_sleep = time.sleep
# Looked up once: on_end calls it for every span.
_getpid = os.getpid

# After the first, queue-full drops are logged at most this often.
_DROP_LOG_INTERVAL_SECONDS = 60.0

_INF = float("inf")


def _positive_int(name: str, value: int) -> int:
    if type(value) is not int or value <= 0:
        raise ValueError("{} must be a positive int, not {!r}".format(name, value))
    return value


class _EnvironmentDefault(int):
    """A default argument that means "the ``OTEL_BSP_*`` variable, else this value".

    Equal to v0.3's literal default, so signatures read as before; told
    apart from the same number passed explicitly by its type.
    """

    __slots__ = ()


_DEFAULT_MAX_QUEUE_SIZE = _EnvironmentDefault(2048)
_DEFAULT_SCHEDULE_DELAY_MILLIS = _EnvironmentDefault(5000)
_DEFAULT_MAX_EXPORT_BATCH_SIZE = _EnvironmentDefault(512)
_DEFAULT_EXPORT_TIMEOUT_MILLIS = _EnvironmentDefault(30000)


def _settings_or_environment(
    max_queue_size: int,
    schedule_delay_millis: float,
    max_export_batch_size: int,
    export_timeout_millis: int,
) -> Tuple[int, float, int, int]:
    """The settings given, the ``OTEL_BSP_*`` variables for those left at their default.

    The environment is read only when a setting was not given. A batch size
    taken from it that exceeds a queue size given in code is logged and
    lowered to it: only explicit arguments that contradict each other raise.
    """
    settings = (max_queue_size, schedule_delay_millis, max_export_batch_size, export_timeout_millis)
    if not any(type(setting) is _EnvironmentDefault for setting in settings):
        return settings
    configuration = read_configuration()
    if type(max_export_batch_size) is _EnvironmentDefault:
        max_export_batch_size = configuration.bsp_max_export_batch_size
        if (
            type(max_queue_size) is int
            and 0 < max_queue_size < max_export_batch_size
        ):
            logger.warning(
                "OTEL_BSP_MAX_EXPORT_BATCH_SIZE %d exceeds max_queue_size=%d; using %d",
                max_export_batch_size,
                max_queue_size,
                max_queue_size,
            )
            max_export_batch_size = max_queue_size
    if type(max_queue_size) is _EnvironmentDefault:
        max_queue_size = configuration.bsp_max_queue_size
    if type(schedule_delay_millis) is _EnvironmentDefault:
        schedule_delay_millis = configuration.bsp_schedule_delay_millis
    if type(export_timeout_millis) is _EnvironmentDefault:
        export_timeout_millis = configuration.bsp_export_timeout_millis
    return max_queue_size, schedule_delay_millis, max_export_batch_size, export_timeout_millis


def _wait_millis(name: str, value: int) -> int:
    """A positive int of ms, capped (with a warning) at the longest wait ``threading`` accepts."""
    _positive_int(name, value)
    return int(_capped_wait(name, value))


def _capped_wait(name: str, value: float) -> float:
    """``value``, or (with a warning) the longest wait ``threading`` accepts if it is longer."""
    if value > MAX_WAIT_MILLIS:
        logger.warning("%s=%r is too large; using %d", name, value, MAX_WAIT_MILLIS)
        return MAX_WAIT_MILLIS
    return value


class BatchExportSpanProcessor(SpanProcessor):
    """A processor that queues ended spans and exports them in batches from a worker thread.

    The worker exports as soon as ``max_export_batch_size`` spans are waiting,
    or when ``schedule_delay_millis`` has passed since the last export,
    whichever comes first; in between it sleeps.

    :meth:`on_end` never blocks: when ``max_queue_size`` spans are already
    waiting the span is dropped and counted in :attr:`spans_dropped_queue_full`.
    The bound is checked without a lock, so producers ending spans at the same
    instant may push the queue past it by at most one span each; what was
    accepted is never lost, and the counts stay exact. Once the queue is three
    quarters full, :meth:`on_end` yields the GIL (``time.sleep(0)``) so the
    worker gets to drain it: under the GIL, busy producers would otherwise
    fill the queue before the worker is scheduled. It never waits for a lock
    or for an export.

    Each batch is handed to the exporter once: retrying is the exporter's
    business (the OTLP exporter retries within its timeout), so an export
    that returns ``FAILED_RETRYABLE`` or ``FAILED_NOT_RETRYABLE``, or
    raises, is reported (rate-limited) and its spans are counted in
    :attr:`spans_failed_export`.

    The worker survives whatever the exporter does, ``BaseException`` s
    such as ``asyncio.CancelledError`` or ``SystemExit`` included: each is
    reported and counted as a failed export. Exports run with
    ``Context.suppress_instrumentation`` set, so an instrumented exporter
    does not feed its own spans back into the queue.

    Python cannot interrupt a call that hangs, so ``export_timeout_millis``
    bounds how long :meth:`shutdown` waits for the last exports. The worker is
    a daemon thread, so a hung exporter does not keep the interpreter alive.

    The sizes, the delay and the timeout not given default to the
    ``OTEL_BSP_MAX_QUEUE_SIZE``, ``OTEL_BSP_SCHEDULE_DELAY``,
    ``OTEL_BSP_MAX_EXPORT_BATCH_SIZE`` and ``OTEL_BSP_EXPORT_TIMEOUT``
    variables, read when the processor is built, else 2048, 5000 ms, 512 and
    30000 ms (see :mod:`opentelemetry.sdk.configuration`).

    The first span dropped because the queue is full is logged at once
    (warning), then at most one line every 60 seconds with the running
    count, so a backend outage cannot flood the log; the counts are exact
    either way.

    After :func:`os.fork` the child starts with an empty queue, zero counts
    and its own worker, so the parent's queued spans are exported once, by
    the parent. A process forked without :func:`os.fork` (a C-level
    ``fork()``, as uWSGI and some prefork servers do) runs no fork hooks: the
    processor notices the new process id on the next :meth:`on_end` and
    starts afresh there the same way.

    :raises ValueError: if a size, the delay or the timeout is not a
        positive int, or ``max_export_batch_size`` exceeds ``max_queue_size``.
        A delay or timeout too large for ``threading`` to wait is capped
        with a warning.
    """

    def __init__(
        self,
        span_exporter: SpanExporter,
        max_queue_size: int = _DEFAULT_MAX_QUEUE_SIZE,
        schedule_delay_millis: float = _DEFAULT_SCHEDULE_DELAY_MILLIS,
        max_export_batch_size: int = _DEFAULT_MAX_EXPORT_BATCH_SIZE,
        export_timeout_millis: int = _DEFAULT_EXPORT_TIMEOUT_MILLIS,
    ) -> None:
        max_queue_size, schedule_delay_millis, max_export_batch_size, export_timeout_millis = (
            _settings_or_environment(
                max_queue_size, schedule_delay_millis, max_export_batch_size, export_timeout_millis
            )
        )
        _positive_int("max_queue_size", max_queue_size)
        if type(schedule_delay_millis) not in (int, float) or not 0 < schedule_delay_millis < _INF:
            # A float, as v0.3 typed it, is fine: it only sets a wait.
            raise ValueError(
                "schedule_delay_millis must be a positive number, not {!r}".format(
                    schedule_delay_millis
                )
            )
        schedule_delay_millis = _capped_wait("schedule_delay_millis", schedule_delay_millis)
        _positive_int("max_export_batch_size", max_export_batch_size)
        export_timeout_millis = _wait_millis("export_timeout_millis", export_timeout_millis)
        if max_export_batch_size > max_queue_size:
            raise ValueError(
                "max_export_batch_size ({}) must not exceed max_queue_size ({})".format(
                    max_export_batch_size, max_queue_size
                )
            )
        #: Where the batches go; only the worker thread calls it.
        self.span_exporter = span_exporter
        #: Spans that may wait in the queue; more are dropped and counted.
        self.max_queue_size = max_queue_size
        #: How long after the last export the spans waiting go out, batch full or not.
        self.schedule_delay_millis = schedule_delay_millis
        #: The most spans handed to one export call.
        self.max_export_batch_size = max_export_batch_size
        #: How long :meth:`shutdown` waits for the last exports.
        self.export_timeout_millis = export_timeout_millis
        self._start()
        renew_locks_after_fork(self)
        reset_after_fork(self)

    def _renew_locks_after_fork(self) -> None:
        self._shutdown_lock = threading.RLock()
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)

    def _reset_after_fork(self) -> None:
        # A running processor starts afresh in the child: empty queue, zero
        # counts, its own worker. One shut down (or shutting down) keeps its
        # counts, with the new locks above.
        if not self._shutdown_started:
            self._start()

    def _start(self) -> None:
        """Set up an empty queue, zero counts and a new worker (again in a forked child)."""
        self._queue: Deque[Span] = collections.deque()
        # Both re-entrant: a signal handler may flush or shut down while this
        # thread holds one.
        self._shutdown_lock = threading.RLock()
        # Guards the counts and the worker's state below; held only briefly,
        # never during an export, and never by on_end unless it drops a span.
        self._lock = threading.RLock()
        self._settled = threading.Condition(self._lock)
        # Set when the worker should look at the queue before its delay is up.
        self._wake = threading.Event()
        self._yield_at_length = max(self.max_queue_size * 3 / 4, self.max_export_batch_size)
        self._stopping = False
        self._worker_done = False
        self._flush_up_to = 0
        # The batch the worker is exporting; empty between exports.
        self._in_flight: Sequence[Span] = ()
        self._taken = 0
        self._exported = 0
        self._dropped_queue_full = 0
        self._dropped_after_shutdown = 0
        self._failed_spans = 0
        self._failed_exports = 0
        self._shutdown_started = False
        self._next_drop_log = 0.0
        # The process this state belongs to: on_end compares it to notice a
        # fork that ran no fork hooks.
        self._pid = _getpid()
        self._worker = threading.Thread(
            target=self._run, name="BatchExportSpanProcessor", daemon=True
        )
        self._worker.start()

    # -- the application's side ------------------------------------------

    def on_end(self, span: Span) -> None:
        """Queue ``span`` for export; drop and count it if the queue is full."""
        if self._pid != _getpid() and not self._shutdown_started:
            self._restart_in_forked_process()
        queue = self._queue
        if len(queue) >= self.max_queue_size:
            self._drop_queue_full()
            return
        queue.append(span)  # deque.append is atomic under the GIL: no lock needed
        if self._shutdown_started:
            self._drop_after_shutdown()
        # Wake the worker once per full batch, not per span; is_set() takes no lock.
        elif len(queue) >= self.max_export_batch_size:
            if not self._wake.is_set():
                self._wake.set()
            if len(queue) >= self._yield_at_length:
                # Hand the GIL over so the worker can drain before the queue
                # overflows: spans end faster than a GIL switch interval lets
                # the worker run. A yield, not a wait: no lock, no export.
                _sleep(0)

    def _restart_in_forked_process(self) -> None:
        """A fork the hooks did not see: start afresh here, as after :func:`os.fork`."""
        # Claimed first, so another thread of the child does not restart too.
        self._pid = _getpid()
        logger.debug("%r: running in a forked process %d; restarting", self, self._pid)
        self._start()

    def _drop_queue_full(self) -> None:
        """Count a span dropped on a full queue; log the first, then one line per interval."""
        now = time.monotonic()
        with self._lock:
            self._dropped_queue_full += 1
            dropped = self._dropped_queue_full
            log = dropped == 1 or now >= self._next_drop_log
            if log:
                self._next_drop_log = now + _DROP_LOG_INTERVAL_SECONDS
        if log:  # outside the lock: logging runs handlers this module does not own
            logger.warning(
                "%r: the export queue is full (%d spans); dropped so far: %d "
                "(spans_dropped_queue_full)",
                self,
                self.max_queue_size,
                dropped,
            )

    def _drop_after_shutdown(self) -> None:
        """Take one span back off the queue and count it dropped.

        The span was appended after shutdown began, maybe after the worker's
        last look at the queue. Each late caller removes one span (most
        likely its own), so nothing is left behind and nothing counted twice.
        Under the lock, so the worker never sees the queue shrink while it
        takes a batch.
        """
        with self._lock:
            try:
                self._queue.pop()
            except IndexError:  # the worker's final drain already took it
                return
            self._dropped_after_shutdown += 1
            first = self._dropped_after_shutdown == 1
        if first:
            logger.warning(
                "%r has been shut down: dropping ended spans (counted in "
                "spans_dropped_after_shutdown)",
                self,
            )

    # -- the worker ------------------------------------------------------

    def _run(self) -> None:
        # This thread's own context: everything it runs is the export path.
        suppressing_var().set(True)
        try:
            self._export_until_stopped()
        except BaseException:  # a bug must not leave spans queued and flushes waiting
            report_exception(logger, "%r: the export worker failed; stopping", self)
        self._drain_and_shut_exporter_down()

    def _export_until_stopped(self) -> None:
        queue = self._queue
        wake = self._wake
        delay = self.schedule_delay_millis / 1000
        next_export = time.monotonic() + delay
        # Spans up to this count (of all ever taken) must go out now, full batch or not.
        due = 0
        while True:
            # Cleared before looking at the queue, so a span appended after the
            # look sets it again and the wait below returns at once.
            wake.clear()
            with self._lock:
                if self._stopping:
                    return
                due = max(due, self._flush_up_to)
                taken = self._taken
            queued = len(queue)
            if queued >= self.max_export_batch_size or (queued and taken < due):
                self._export_next_batch()
                next_export = time.monotonic() + delay
                continue
            now = time.monotonic()
            if now < next_export:
                wake.wait(next_export - now)
            elif queued:
                due = taken + queued
            else:
                next_export = now + delay

    def _drain_and_shut_exporter_down(self) -> None:
        """Export what is queued (once each, no retries), then shut the exporter down."""
        with shutdown_exports():  # a refused connection is final from now on
            while self._queue and not self._worker_done:
                self._export_next_batch()
        try:
            self.span_exporter.shutdown()
        except BaseException:  # the processor's shutdown must still complete
            report_exception(logger, "%r failed in shutdown", self.span_exporter)
        with self._lock:
            self._worker_done = True
            self._settled.notify_all()

    def _export_next_batch(self) -> None:
        """Take up to a batch off the queue, export it and count the outcome."""
        queue = self._queue
        with self._lock:  # only appends happen without it: the length can only grow
            batch = [queue.popleft() for _ in range(min(len(queue), self.max_export_batch_size))]
            self._taken += len(batch)
            self._in_flight = batch
        if not batch:
            return
        exported = self._export_once(batch)
        with self._lock:
            if self._in_flight is not batch:  # shutdown gave up waiting and counted it
                return
            self._in_flight = ()
            if exported:
                self._exported += len(batch)
            else:
                self._failed_spans += len(batch)
            self._settled.notify_all()

    def _export_once(self, batch: List[Span]) -> bool:
        """Whether ``batch`` was exported, in one call to the exporter.

        Retrying is the exporter's business, as the OpenTelemetry
        specification puts it: only the exporter knows which of its
        failures are transient and how long its backend asks it to wait
        (the OTLP exporter retries within its timeout). So a
        ``FAILED_RETRYABLE`` here has been retried already, and the batch is
        counted as failed like any other failure.
        """
        try:
            result = self.span_exporter.export(batch)
        except BaseException:  # an exporter must not stop the worker, whatever it raises
            report_exception(logger, "%r failed to export spans; they are lost", self.span_exporter)
        else:
            if result is SpanExportResult.SUCCESS:
                return True
            report_failure(
                logger, "%r did not export spans (%s); they are lost", self.span_exporter, result
            )
        with self._lock:
            self._failed_exports += 1
        return False

    # -- control ---------------------------------------------------------

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Export every span queued before the call; whether that finished in time.

        Waits at most ``timeout_millis`` and logs a warning if the spans are
        still pending then. A timeout that is not a number, or ``nan``, is
        logged and the default used; ``inf`` or a huge one is capped. Safe
        from any thread, from a signal handler, and after shutdown.
        """
        timeout = checked_timeout_millis("force_flush timeout", timeout_millis, 30000)
        if threading.current_thread() is self._worker:
            logger.warning("force_flush called from within an export of %r; not waiting", self)
            return False
        with self._lock:
            target = self._taken + len(self._queue)
            self._flush_up_to = max(self._flush_up_to, target)
        self._wake.set()
        with self._lock:
            self._settled.wait_for(
                lambda: self._exported + self._failed_spans >= target or self._worker_done,
                timeout / 1000,
            )
            pending = target - self._exported - self._failed_spans
        if pending > 0:
            logger.warning(
                "force_flush of %r timed out after %d ms; %d spans not yet exported",
                self,
                timeout,
                pending,
            )
        return pending <= 0

    def shutdown(self) -> None:
        """Export what is queued, stop the worker and shut the exporter down.

        Waits at most ``export_timeout_millis`` for the worker; spans still
        queued or being exported then are counted in
        :attr:`spans_failed_export`. Spans that end from now on are dropped
        and counted in :attr:`spans_dropped_after_shutdown`. Safe to call
        again and from any thread: later calls wait for the first, except on
        the thread already inside it (a signal handler), which returns at once.
        """
        with self._shutdown_lock:
            # Only the thread inside the first call can find it started but
            # not done: re-entered from a signal handler, it must not wait for itself.
            if self._shutdown_started:
                return
            self._shutdown_started = True
            with self._lock:
                self._stopping = True
            self._wake.set()
            # Called from an export: the worker drains and stops once it returns.
            if threading.current_thread() is not self._worker:
                self._worker.join(self.export_timeout_millis / 1000)
                if self._worker.is_alive():
                    self._give_up_on_worker()

    def _give_up_on_worker(self) -> None:
        """Count the spans the stuck worker still holds as lost."""
        with self._lock:
            lost = len(self._in_flight)
            self._in_flight = ()
            while True:
                try:
                    self._queue.popleft()
                except IndexError:
                    break
                lost += 1
                self._taken += 1
            self._failed_spans += lost
            # The worker exports nothing more, and flushes stop waiting for it.
            self._worker_done = True
            self._settled.notify_all()
        logger.warning(
            "%r: exporter did not finish within %d ms; %d spans lost",
            self,
            self.export_timeout_millis,
            lost,
        )

    # -- counts ----------------------------------------------------------

    @property
    def spans_queued(self) -> int:
        """Spans accepted into the queue so far (not dropped on arrival)."""
        with self._lock:
            return self._taken + len(self._queue)

    @property
    def spans_exported(self) -> int:
        """Spans the exporter accepted."""
        return self._exported

    @property
    def spans_dropped_queue_full(self) -> int:
        """Spans dropped on arrival because the queue was full."""
        return self._dropped_queue_full

    @property
    def spans_dropped_after_shutdown(self) -> int:
        """Spans dropped because they ended after :meth:`shutdown` began."""
        return self._dropped_after_shutdown

    @property
    def spans_failed_export(self) -> int:
        """Queued spans lost for good: their export failed, or shutdown could not wait for it."""
        return self._failed_spans

    @property
    def failed_exports(self) -> int:
        """Export calls that failed (raised or did not return ``SUCCESS``)."""
        return self._failed_exports

    def __repr__(self) -> str:
        return "{}({!r})".format(type(self).__name__, self.span_exporter)

    # -- v0.3's names ----------------------------------------------------
    # v0.3 code and tests read these; each maps to the mechanism here.

    def export(self) -> None:
        """Export the spans queued now, through the worker, and return when done.

        v0.3 exported one batch on the calling thread. Here the worker does
        it (exporters are never called concurrently), all of what is queued,
        and this waits at most ``export_timeout_millis``.
        """
        self.force_flush(self.export_timeout_millis)

    def worker(self) -> None:
        """The loop the processor's own thread runs; called from any other thread it does nothing.

        A second loop would call the exporter concurrently; this logs a
        warning instead.
        """
        if threading.current_thread() is not self._worker:
            logger.warning("%r: worker() runs on the processor's own thread only", self)
            return
        self._run()

    @property
    def queue(self) -> Deque[Span]:
        """The spans waiting for export, oldest first."""
        return self._queue

    @property
    def worker_thread(self) -> threading.Thread:
        """The thread that exports."""
        return self._worker

    @property
    def condition(self) -> threading.Condition:
        """The condition the processor announces exports and shutdown on."""
        return self._settled

    @property
    def flush_condition(self) -> threading.Condition:
        """The condition :meth:`force_flush` waits on (the same as :attr:`condition`)."""
        return self._settled

    @property
    def done(self) -> bool:
        """Whether shutdown has begun."""
        return self._stopping

    @property
    def spans_list(self) -> List[Span]:
        """The batch being exported now; empty between exports."""
        return list(self._in_flight)
