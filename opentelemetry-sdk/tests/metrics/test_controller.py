"""The push controller: exports every interval, survives its exporter, stops cleanly."""

import atexit
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest
from forked_child import read_all

from opentelemetry.sdk import metrics
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricsExporter,
    MetricsExporter,
    MetricsExportResult,
)
from opentelemetry.sdk.metrics.export.controller import DEFAULT_INTERVAL_SECONDS, PushController


class Recording(MetricsExporter):
    def __init__(self, fail_with=None):
        self.exports = []
        self.shutdowns = 0
        self.fail_with = fail_with
        self.exported = threading.Event()

    def export(self, metric_records):
        self.exports.append(
            [(r.metric.name, r.label_set.labels, r.aggregator.checkpoint) for r in metric_records]
        )
        self.exported.set()
        if self.fail_with is not None:
            raise self.fail_with
        return MetricsExportResult.SUCCESS

    def shutdown(self):
        self.shutdowns += 1


@pytest.fixture
def meter():
    return metrics.Meter(metrics.UngroupedBatcher(False))


def test_ticks_every_interval_and_exports_the_records(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(3, metrics.EMPTY_LABEL_SET)
    exporter = Recording()
    controller = PushController(meter, exporter, 0.01, shutdown_on_exit=False)
    try:
        assert exporter.exported.wait(10)
        assert controller.daemon and controller.is_alive()
    finally:
        controller.shutdown()
    assert exporter.exports[0] == [("c", (), 3)]
    assert not controller.is_alive()


def test_shutdown_exports_the_last_interval_and_shuts_the_exporter_down_once(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    exporter = Recording()
    controller = PushController(meter, exporter, 3600, shutdown_on_exit=False)
    counter.add(5, metrics.EMPTY_LABEL_SET)
    controller.shutdown()
    controller.shutdown()
    assert exporter.exports == [[("c", (), 5)]]
    assert exporter.shutdowns == 1
    assert controller.finished.is_set()


@pytest.mark.parametrize(
    "failure, reported",
    [
        (RuntimeError("boom"), "raised; 1 metric records lost"),
        (KeyboardInterrupt(), "A metrics collection failed"),
    ],
)
def test_a_raising_exporter_does_not_stop_the_thread(meter, caplog, failure, reported):
    meter.create_metric("c", "d", "1", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    exporter = Recording(fail_with=failure)
    controller = PushController(meter, exporter, 0.01, shutdown_on_exit=False)
    try:
        for _ in range(3):
            exporter.exported.clear()
            assert exporter.exported.wait(10)
        assert controller.is_alive()
    finally:
        exporter.fail_with = None
        controller.shutdown()
    assert len(exporter.exports) >= 3
    assert reported in caplog.text


def test_tick_reports_a_failed_export_and_never_raises(meter, caplog):
    meter.create_metric("c", "d", "1", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)

    class Failing(MetricsExporter):
        def export(self, metric_records):
            return MetricsExportResult.FAILED_NOT_RETRYABLE

    controller = PushController(meter, Failing(), 3600, shutdown_on_exit=False)
    controller.tick()
    controller.shutdown()
    assert "returned FAILED_NOT_RETRYABLE; 1 metric records lost" in caplog.text


def test_a_raising_exporter_still_finishes_the_collection(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    counter.add(1, metrics.EMPTY_LABEL_SET)
    exporter = Recording(fail_with=RuntimeError("boom"))
    controller = PushController(meter, exporter, 3600, shutdown_on_exit=False)
    controller.tick()
    exporter.fail_with = None
    counter.add(2, metrics.EMPTY_LABEL_SET)
    controller.shutdown()
    # The delta of the failed export is not exported again: the next one is 2.
    assert exporter.exports == [[("c", (), 1)], [("c", (), 2)]]


@pytest.mark.parametrize("interval", [0, -1, float("nan"), "5", None, True])
def test_bad_interval_is_logged_and_replaced_by_the_default(meter, caplog, interval):
    controller = PushController(meter, Recording(), interval, shutdown_on_exit=False)
    controller.shutdown()
    assert controller.interval == DEFAULT_INTERVAL_SECONDS
    assert "not a positive number of seconds" in caplog.text


def test_console_exporter_prints_one_v0_3_line_per_record(meter, capsys):
    counter = meter.create_metric("requests", "served", "1", int, metrics.Counter, ("route",))
    counter.add(25, meter.get_label_set({"route": "/"}))
    meter.collect()
    assert (
        ConsoleMetricsExporter().export(meter.batcher.checkpoint_set())
        is MetricsExportResult.SUCCESS
    )
    assert capsys.readouterr().out == (
        'ConsoleMetricsExporter(data="Counter(name="requests", description="served")", '
        "label_set=\"(('route', '/'),)\", value=25)\n"
    )


def run(program):
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(program)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_at_exit_the_last_interval_is_exported():
    result = run(
        """
        from opentelemetry.sdk import metrics
        from opentelemetry.sdk.metrics.export import ConsoleMetricsExporter
        from opentelemetry.sdk.metrics.export.controller import PushController

        meter = metrics.Meter()
        counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
        PushController(meter, ConsoleMetricsExporter(), 3600)
        counter.add(7, metrics.EMPTY_LABEL_SET)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.endswith('label_set="()", value=7)\n')


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_gets_its_own_thread_and_none_of_the_parents_measurements():
    result = run(
        """
        import os, threading
        from opentelemetry.sdk import metrics
        from opentelemetry.sdk.metrics.export import MetricsExporter, MetricsExportResult
        from opentelemetry.sdk.metrics.export.controller import PushController

        class Printing(MetricsExporter):
            def __init__(self):
                self.ticked = threading.Event()
            def export(self, records):
                for record in records:
                    # One write call, no Python buffer: a fork while this
                    # thread prints must not hand half a line to the child.
                    line = "{} {}\\n".format(os.getpid(), record.aggregator.checkpoint)
                    os.write(1, line.encode())
                self.ticked.set()
                return MetricsExportResult.SUCCESS

        meter = metrics.Meter(metrics.UngroupedBatcher(False))
        counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
        exporter = Printing()
        controller = PushController(meter, exporter, 0.05, shutdown_on_exit=False)
        counter.add(100, metrics.EMPTY_LABEL_SET)  # the parent's, exported by the parent
        pid = os.fork()
        if pid == 0:
            exporter.ticked.clear()
            counter.add(1, metrics.EMPTY_LABEL_SET)
            ok = exporter.ticked.wait(10)  # only a thread in the child can tick here
            controller.shutdown()
            os._exit(0 if ok else 3)
        _, status = os.waitpid(pid, 0)
        controller.shutdown()
        os.write(1, "child exit {}\\n".format(os.waitstatus_to_exitcode(status)).encode())
        """
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "child exit 0"
    parent = str(os.getpid())  # not the parent's pid: compare the child's lines by value
    by_pid = {}
    for line in lines[:-1]:
        pid, value = line.split()
        by_pid.setdefault(pid, []).append(int(value))
    assert sorted(sum(values) for values in by_pid.values()) == [1, 100]
    assert parent not in by_pid


def test_tick_with_a_broken_meter_logs_and_returns(caplog):
    class Broken:
        def collect(self):
            raise RuntimeError("no collection")

    controller = PushController(object(), Recording(), 3600, shutdown_on_exit=False)
    controller.tick()
    controller.meter = Broken()
    controller.tick()
    controller.shutdown()
    assert caplog.text.count("Collecting metrics failed") >= 1


def test_a_successful_export_logs_nothing(meter, caplog):
    meter.create_metric("c", "d", "1", int, metrics.Counter).add(1, metrics.EMPTY_LABEL_SET)
    exporter = Recording()
    controller = PushController(meter, exporter, 3600, shutdown_on_exit=False)
    controller.tick()
    controller.shutdown()
    assert exporter.exports[0] == [("c", (), 1)]
    assert caplog.records == []


def test_the_thread_is_a_daemon_named_push_controller(meter):
    controller = PushController(meter, Recording(), 3600, shutdown_on_exit=False)
    try:
        assert controller.name == "PushController"
        assert controller.daemon
        assert "daemon" in repr(controller)  # what thread dumps and debuggers show
    finally:
        controller.shutdown()


class FakeExit:
    """Stands in for the interpreter's exit handlers (``atexit``)."""

    def __init__(self, monkeypatch):
        self.handlers = []
        monkeypatch.setattr(atexit, "register", self.register)
        monkeypatch.setattr(atexit, "unregister", self.unregister)

    def register(self, func, *args, **kwargs):
        self.handlers.append(func)
        return func

    def unregister(self, func):
        self.handlers = [handler for handler in self.handlers if handler != func]

    def exit(self):
        for handler in reversed(self.handlers):
            handler()


def test_by_default_interpreter_exit_exports_the_last_interval(meter, monkeypatch):
    interpreter = FakeExit(monkeypatch)
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    exporter = Recording()
    controller = PushController(meter, exporter, 3600)
    counter.add(7, metrics.EMPTY_LABEL_SET)
    interpreter.exit()
    assert exporter.exports == [[("c", (), 7)]]
    assert exporter.shutdowns == 1
    assert not controller.is_alive()


def test_a_shut_down_controller_is_no_longer_held_by_the_exit_handlers(meter, monkeypatch):
    interpreter = FakeExit(monkeypatch)
    controller = PushController(meter, Recording(), 3600)
    assert len(interpreter.handlers) == 1
    controller.shutdown()
    assert interpreter.handlers == []


def test_without_shutdown_on_exit_no_exit_handler_is_registered(meter, monkeypatch):
    interpreter = FakeExit(monkeypatch)
    exporter = Recording()
    controller = PushController(meter, exporter, 3600, shutdown_on_exit=False)
    try:
        assert interpreter.handlers == []
    finally:
        controller.shutdown()


def test_shutdown_from_inside_an_export_exports_the_last_interval_and_stops(meter, caplog):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    shut_down = threading.Event()

    class ShuttingDown(Recording):
        controller = None  # set once made: the thread may tick before the constructor returns
        shut_down_after = None

        def export(self, metric_records):
            result = super().export(metric_records)
            if self.controller is not None and self.shut_down_after is None:
                self.shut_down_after = len(self.exports)  # on the controller's own thread
                counter.add(5, metrics.EMPTY_LABEL_SET)
                self.controller.shutdown()
            return result

        def shutdown(self):
            super().shutdown()
            shut_down.set()

    exporter = ShuttingDown()
    controller = exporter.controller = PushController(
        meter, exporter, 0.01, shutdown_on_exit=False
    )
    try:
        assert shut_down.wait(10)
        controller.join(10)
        assert not controller.is_alive()
    finally:
        controller.shutdown()
    assert exporter.exports[exporter.shut_down_after :] == [[("c", (), 5)]]
    assert exporter.shutdowns == 1
    assert caplog.records == []


@pytest.mark.parametrize("timeout, waited", [((), 30.0), ((2.5,), 2.5)])
def test_shutdown_waits_for_a_hung_export_only_its_timeout_then_skips_the_last_export(
    meter, caplog, monkeypatch, timeout, waited
):
    release = threading.Event()

    class Hanging(Recording):
        def export(self, metric_records):
            result = super().export(metric_records)
            if len(self.exports) == 1:
                release.wait(30)
            return result

    exporter = Hanging()
    controller = PushController(meter, exporter, 0.01, shutdown_on_exit=False)
    real_join = controller.join
    waits = []

    def join(timeout=None):
        waits.append(timeout)
        real_join(0.01)  # the export stays hung: waiting the whole bound would change nothing

    monkeypatch.setattr(controller, "join", join)
    try:
        assert exporter.exported.wait(10)
        controller.shutdown(*timeout)
        assert waits == [waited]
        assert len(exporter.exports) == 1  # no last export while one is still running
        assert exporter.shutdowns == 1
        assert f"outlived the {waited}s shutdown timeout" in caplog.text
    finally:
        release.set()
        real_join(10)
    assert not controller.is_alive()


def _push_controller_threads():
    return [(t.name, t.daemon) for t in threading.enumerate() if t.name == "PushController"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_ticks_on_a_daemon_thread_of_its_own_and_shuts_it_down(meter):
    counter = meter.create_metric("c", "d", "1", int, metrics.Counter)
    exporter = Recording()
    controller = PushController(meter, exporter, 0.01, shutdown_on_exit=False)
    counter.add(100, metrics.EMPTY_LABEL_SET)  # the parent's, exported by the parent
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what it saw, then leave without pytest's cleanup
        try:
            os.close(read_fd)
            exporter.exported = threading.Event()
            exporter.exports = []
            counter.add(1, metrics.EMPTY_LABEL_SET)
            report = {"ticked": exporter.exported.wait(10)}
            report["running"] = _push_controller_threads()
            controller.shutdown(10)
            report["after_shutdown"] = _push_controller_threads()
            report["exported"] = sum(value for export in exporter.exports for _, _, value in export)
            report["shutdowns"] = exporter.shutdowns
            os.write(write_fd, json.dumps(report).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    try:
        report = json.loads(read_all(read_fd, 30) or b"{}")
    except AssertionError:
        os.kill(pid, signal.SIGKILL)  # so the wait below is bounded too
        raise
    finally:
        os.close(read_fd)
        os.waitpid(pid, 0)
        controller.shutdown()
    assert report["ticked"] and report["shutdowns"] == 1
    assert report["exported"] == 1  # its own measurement, none of the parent's
    # (A controller another test left running would have a thread in the child too.)
    assert report["running"] and all(daemon for _, daemon in report["running"])
    assert len(report["after_shutdown"]) == len(report["running"]) - 1
    assert sum(value for export in exporter.exports for _, _, value in export) == 100
