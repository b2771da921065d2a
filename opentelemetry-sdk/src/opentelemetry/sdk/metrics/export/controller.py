"""The push controller: collect a meter and export it every interval, from a thread."""

from __future__ import annotations

import atexit
import logging
import math
import threading
from typing import Any

from opentelemetry.util._error_handler import report_exception, report_failure

from ..._fork_safety import renew_locks_after_fork, reset_after_fork
from .metrics_exporter import MetricsExporter, MetricsExportResult

__all__ = ["PushController"]

logger = logging.getLogger(__name__)

#: The interval used when the one given is not a positive number of seconds.
DEFAULT_INTERVAL_SECONDS = 10.0


class PushController(threading.Thread):
    """A daemon thread that collects ``meter`` every ``interval`` seconds and exports it.

    It starts at once. Each :meth:`tick` collects the meter, hands the
    batcher's records to ``exporter`` and tells the batcher the collection is
    finished. An exporter that raises or fails is reported (rate-limited) and
    the thread goes on to the next interval: a broken exporter never stops it.

    :meth:`shutdown` stops the thread, exports what was measured since the
    last tick, and shuts the exporter down; with ``shutdown_on_exit`` (the
    default) that happens when the interpreter exits, so the last interval is
    not lost. A forked child gets a thread of its own, and starts with the
    measurements of the parent forgotten (the parent exports those).

    :param meter: The SDK :class:`~opentelemetry.sdk.metrics.Meter` to collect.
    :param exporter: Where the records go.
    :param interval: Seconds between two exports; a value that is not a
        positive number is logged and :data:`DEFAULT_INTERVAL_SECONDS` used.
    :param shutdown_on_exit: Shut down at interpreter exit.
    """

    daemon = True

    def __init__(
        self,
        meter: Any,
        exporter: MetricsExporter,
        interval: float,
        shutdown_on_exit: bool = True,
    ) -> None:
        super().__init__(name="PushController", daemon=True)
        self.meter = meter
        self.exporter = exporter
        if (
            not isinstance(interval, (int, float))
            or isinstance(interval, bool)
            or not math.isfinite(interval)
            or interval <= 0
        ):
            logger.warning(
                "PushController interval %r is not a positive number of seconds; using %s",
                interval,
                DEFAULT_INTERVAL_SECONDS,
            )
            interval = DEFAULT_INTERVAL_SECONDS
        self.interval = float(interval)
        #: Set when the controller stops.
        self.finished = threading.Event()
        self._shutdown_lock = threading.Lock()
        self._shut_down = False
        # The thread running the loop: this one, or a new one in a forked child.
        self._runner: threading.Thread = self
        if shutdown_on_exit:
            atexit.register(self.shutdown)
        renew_locks_after_fork(self)
        reset_after_fork(self)
        self.start()

    def run(self) -> None:
        """Tick every interval until shut down."""
        while not self.finished.wait(self.interval):
            try:
                self.tick()
            except BaseException:  # noqa: B902  the thread must outlive anything an exporter raises
                report_exception(logger, "A metrics collection failed")

    def tick(self) -> None:
        """Collect the meter, export the records, finish the collection. Never raises."""
        try:
            batcher = self.meter.batcher
            self.meter.collect()
            records = batcher.checkpoint_set()
        except Exception:  # a custom meter or batcher must not break the controller
            report_exception(logger, "Collecting metrics failed")
            return
        try:
            result = self.exporter.export(records)
        except Exception:
            report_exception(
                logger, "%r raised; %d metric records lost", self.exporter, len(records)
            )
        else:
            if result is not MetricsExportResult.SUCCESS and records:
                report_failure(
                    logger,
                    "%r returned %s; %d metric records lost",
                    self.exporter,
                    getattr(result, "name", result),
                    len(records),
                )
        finally:
            try:
                batcher.finished_collection()
            except Exception:
                report_exception(logger, "Finishing a metrics collection failed")

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop the thread, export the last interval, shut the exporter down.

        Waits at most ``timeout`` seconds for a tick in progress; if it is
        still running after that (a hung exporter), the last export is
        skipped and a warning logged. Calling it again does nothing.
        """
        with self._shutdown_lock:
            if self._shut_down:
                return
            self._shut_down = True
        self.finished.set()
        runner = self._runner
        if runner is not threading.current_thread() and runner.is_alive():
            runner.join(timeout)
        if runner.is_alive() and runner is not threading.current_thread():
            logger.warning(
                "A metrics export outlived the %ss shutdown timeout; "
                "the last interval is not exported",
                timeout,
            )
        else:
            self.tick()
        try:
            self.exporter.shutdown()
        except Exception:
            report_exception(logger, "Shutting down %r failed", self.exporter)
        # No longer kept alive by atexit; a no-op when it was never registered.
        atexit.unregister(self.shutdown)

    def _renew_locks_after_fork(self) -> None:
        self._shutdown_lock = threading.Lock()

    def _reset_after_fork(self) -> None:
        """In a forked child: a thread of its own, unless shut down."""
        if self._shut_down:
            return
        self.finished = threading.Event()
        self._runner = threading.Thread(target=self.run, name="PushController", daemon=True)
        self._runner.start()
