"""flush_on_sigterm: a process stopped by SIGTERM exports its queued spans first."""

import logging
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.sigterm import flush_on_sigterm

TIMEOUT = 30

PROGRAM = """
import signal, sys, time
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import BatchExportSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sigterm import flush_on_sigterm

class Printing(SpanExporter):
    def export(self, spans):
        for span in spans:
            print("exported", span.name, flush=True)
        return SpanExportResult.SUCCESS

# No shutdown at exit, and a batch that waits a minute: only the handler can export the span.
source = TracerSource(shutdown_on_exit=False)
source.add_span_processor(BatchExportSpanProcessor(Printing(), schedule_delay_millis=60000))
{before}
{install}
source.get_tracer("test").start_span("queued").end()
print("ready", flush=True)
sys.stdin.readline()  # the test writes a line once it has sent SIGTERM
print("not stopped", flush=True)
"""


def _stop_with_sigterm(before="", install="print('installed', flush_on_sigterm(source))"):
    """Run the program until it is ready, send it SIGTERM; its exit status and output lines.

    After the signal the test writes a line to the program, so one that
    survives SIGTERM prints ``not stopped`` and exits 0.
    """
    source = PROGRAM.format(before=textwrap.dedent(before), install=install)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "OPENTELEMETRY_"))}
    process = subprocess.Popen(
        [sys.executable, "-c", source], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env,
    )
    lines = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout])
    reader.daemon = True
    reader.start()
    seen = []
    try:
        while not seen or seen[-1] != "ready":
            seen.append(lines.get(timeout=TIMEOUT).strip())
        process.send_signal(signal.SIGTERM)
        try:
            process.stdin.write("go\n")
            process.stdin.close()
        except BrokenPipeError:  # it died of the signal already
            pass
        process.wait(timeout=TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=TIMEOUT)
    reader.join(TIMEOUT)
    while not lines.empty():
        seen.append(lines.get().strip())
    errors = process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    return process.returncode, seen, errors


def test_without_it_sigterm_loses_the_queued_span():
    status, lines, _ = _stop_with_sigterm(install="")
    assert status == -signal.SIGTERM
    assert lines == ["ready"]


def test_the_queued_span_is_exported_and_the_process_dies_of_the_signal():
    status, lines, errors = _stop_with_sigterm()
    assert status == -signal.SIGTERM, errors
    assert lines == ["installed True", "ready", "exported queued"]


def test_an_existing_handler_runs_after_the_flush_and_decides_the_exit():
    before = """
    def graceful(signum, frame):
        print("application handler", flush=True)
        sys.exit(3)
    signal.signal(signal.SIGTERM, graceful)
    """
    status, lines, errors = _stop_with_sigterm(before=before)
    assert status == 3, errors
    assert lines == ["installed True", "ready", "exported queued", "application handler"]


def test_an_ignored_sigterm_stays_ignored():
    before = "signal.signal(signal.SIGTERM, signal.SIG_IGN)"
    status, lines, errors = _stop_with_sigterm(before=before)
    assert status == 0, errors
    assert lines == ["installed False", "ready", "not stopped"]


def test_from_another_thread_nothing_is_installed(caplog):
    source = TracerSource(shutdown_on_exit=False)
    installed = []
    with caplog.at_level(logging.ERROR):
        thread = threading.Thread(target=lambda: installed.append(flush_on_sigterm(source)))
        thread.start()
        thread.join(TIMEOUT)
    assert installed == [False]
    assert "main thread" in caplog.text


@pytest.fixture
def restore_sigterm():
    previous = signal.getsignal(signal.SIGTERM)
    yield
    signal.signal(signal.SIGTERM, previous)


def test_configure_tracing_installs_it_when_asked(monkeypatch, restore_sigterm):
    from opentelemetry import propagators
    from opentelemetry import trace as trace_api
    from opentelemetry.sdk.trace import configure_tracing, environment_setup

    monkeypatch.setattr(environment_setup, "_configured_source", None)
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE_FACTORY", None)
    monkeypatch.setattr(propagators, "_HTTP_TEXT_FORMAT", propagators._HTTP_TEXT_FORMAT)
    for name in list(os.environ):
        if name.startswith(("OTEL_", "OPENTELEMETRY_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("OTEL_PROPAGATORS", "tracecontext")
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    source = configure_tracing("svc", exporters=[], flush_on_sigterm=True)
    try:
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)
    finally:
        source.shutdown()
