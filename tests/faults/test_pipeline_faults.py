"""Fault injection, end to end: the span pipeline under the failures production brings.

Exporters that raise ``BaseException`` s, a fork while another thread is
inside an export, a signal handler that shuts down while shutdown runs,
multiprocessing children, exporters that are themselves instrumented, and
an implementation module that asks for a tracer while it is being loaded.
Whatever could hang runs in a child interpreter with a timeout, so a hang
fails the test instead of the CI run; every other wait is bounded too. The
OTLP exporter's own faults (slow servers, malformed answers) are tested in
``opentelemetry-sdk/tests/trace/export/otlp``.
"""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading

import pytest

from opentelemetry.context import Context
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    SimpleExportSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

WAIT = 10.0  # seconds: the bound on every wait for another thread
CHILD_TIMEOUT = 60  # seconds: a child interpreter that takes longer is hung

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _run_python(program, env=None):
    """Run ``program`` in a child interpreter; a hang fails the test, it never hangs it."""
    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(program)],
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT,
            env=env,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail("the child hung: {!r}".format(expired.stderr))


# -- exporters raising BaseExceptions -------------------------------------


class _RaisingOnceExporter(SpanExporter):
    """Raises ``exception`` on the first export, records the spans of the others."""

    def __init__(self, exception):
        self.exception = exception
        self.calls = 0
        self.exported = []
        self.shut_down = threading.Event()

    def export(self, spans):
        self.calls += 1
        if self.calls == 1:
            raise self.exception
        self.exported.extend(span.name for span in spans)
        return SpanExportResult.SUCCESS

    def shutdown(self):
        self.shut_down.set()


_BASE_EXCEPTIONS = [
    asyncio.CancelledError(),
    KeyboardInterrupt(),
    SystemExit(3),
    GeneratorExit(),
]


@pytest.mark.parametrize("exception", _BASE_EXCEPTIONS, ids=lambda e: type(e).__name__)
def test_batch_worker_survives_an_exporter_raising_a_base_exception(exception):
    exporter = _RaisingOnceExporter(exception)
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=60000)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    tracer = source.get_tracer("faults")

    tracer.start_span("lost").end()
    assert processor.force_flush(WAIT * 1000) is True
    tracer.start_span("kept").end()
    assert processor.force_flush(WAIT * 1000) is True
    source.shutdown()

    assert exporter.exported == ["kept"]
    assert processor.spans_failed_export == 1
    assert exporter.shut_down.is_set()


@pytest.mark.parametrize("exception", _BASE_EXCEPTIONS, ids=lambda e: type(e).__name__)
def test_batch_shutdown_completes_when_the_exporters_shutdown_raises_a_base_exception(exception):
    class RaisingOnShutdown(InMemorySpanExporter):
        def shutdown(self):
            raise exception

    exporter = RaisingOnShutdown()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=60000)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(processor)
    source.get_tracer("faults").start_span("queued").end()

    source.shutdown()

    assert [span.name for span in exporter.get_finished_spans()] == ["queued"]
    assert not processor._worker.is_alive()


def test_simple_processor_contains_a_cancelled_error_from_the_exporter():
    exporter = _RaisingOnceExporter(asyncio.CancelledError())
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer("faults")

    tracer.start_span("lost").end()  # must not look like a cancellation to the caller
    tracer.start_span("kept").end()

    assert exporter.exported == ["kept"]


@pytest.mark.parametrize("exception", [KeyboardInterrupt(), SystemExit(3)], ids=repr)
def test_simple_processor_lets_interrupts_through_and_stays_usable(exception):
    exporter = _RaisingOnceExporter(exception)
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer("faults")

    # Ctrl-C during an export is the application's, not the exporter's to swallow.
    with pytest.raises(type(exception)):
        tracer.start_span("interrupted").end()
    ended = threading.Thread(target=lambda: tracer.start_span("after").end(), daemon=True)
    ended.start()
    ended.join(WAIT)

    assert not ended.is_alive(), "the export lock was left held"
    assert exporter.exported == ["after"]


# -- exporters that are themselves instrumented ----------------------------


class _InstrumentedExporter(InMemorySpanExporter):
    """Makes a span with the source it exports for, as an instrumented HTTP client would."""

    def __init__(self):
        super().__init__()
        self.source = None
        self.suppressed = []

    def export(self, spans):
        self.suppressed.append(Context.suppress_instrumentation)
        self.source.get_tracer("http-client").start_span("POST /v1/traces").end()
        return super().export(spans)


def test_batch_worker_does_not_export_the_spans_its_exporter_makes():
    exporter = _InstrumentedExporter()
    processor = BatchExportSpanProcessor(exporter, schedule_delay_millis=10)
    source = TracerSource(shutdown_on_exit=False)
    exporter.source = source
    source.add_span_processor(processor)

    source.get_tracer("app").start_span("request").end()
    assert processor.force_flush(WAIT * 1000) is True
    # A feedback loop would have queued the exporter's span, then its span's span...
    assert processor.force_flush(WAIT * 1000) is True
    source.shutdown()

    assert [span.name for span in exporter.get_finished_spans()] == ["request"]
    assert processor.spans_queued == 1
    assert exporter.suppressed and all(exporter.suppressed)


def test_simple_processor_does_not_export_the_spans_its_exporter_makes():
    exporter = _InstrumentedExporter()
    source = TracerSource(shutdown_on_exit=False)
    exporter.source = source
    source.add_span_processor(SimpleExportSpanProcessor(exporter))

    ended = threading.Thread(
        target=lambda: source.get_tracer("app").start_span("request").end(), daemon=True
    )
    ended.start()
    ended.join(WAIT)

    assert not ended.is_alive(), "span.end() never returned"
    assert [span.name for span in exporter.get_finished_spans()] == ["request"]
    assert exporter.suppressed == [True]
    assert not Context.suppress_instrumentation  # restored after the export


# -- signal handlers ------------------------------------------------------


_SIGNAL_DURING_SHUTDOWN = """
import os, signal, sys, threading, time
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor, SimpleExportSpanProcessor, SpanExporter, SpanExportResult)

inside = threading.Event()
release = threading.Event()

def wait_for_release():
    # Short sleeps, not one long wait: a signal handler runs between them.
    deadline = time.monotonic() + 5
    while not release.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)

class SlowExporter(SpanExporter):
    def export(self, spans):
        inside.set()
        wait_for_release()
        return SpanExportResult.SUCCESS
    def shutdown(self):
        if not shutdowns:  # the first waits; the handler's own call must not
            shutdowns.append(1)
            inside.set()
            wait_for_release()

shutdowns = []
source = TracerSource(shutdown_on_exit=False)
processor = {processor}
source.add_span_processor(processor)
{before_shutdown}

def on_sigterm(signum, frame):
    source.shutdown()  # re-entered: the main thread is inside shutdown()
    processor.shutdown()
    print("flushed", source.force_flush(500))
    print("handler returned")
    release.set()

signal.signal(signal.SIGTERM, on_sigterm)

def send_sigterm_once_inside():
    inside.wait(10)
    signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)

threading.Thread(target=send_sigterm_once_inside, daemon=True).start()
source.shutdown()
print("shutdown returned")
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs signal.pthread_kill")
@pytest.mark.parametrize(
    "processor, before_shutdown",
    [
        (
            "BatchExportSpanProcessor(SlowExporter(), schedule_delay_millis=60000)",
            'source.get_tracer("t").start_span("s").end()',
        ),
        ("SimpleExportSpanProcessor(SlowExporter())", ""),
    ],
    ids=["batch", "simple"],
)
def test_signal_handler_shutting_down_during_shutdown_returns(processor, before_shutdown):
    result = _run_python(
        _SIGNAL_DURING_SHUTDOWN.format(processor=processor, before_shutdown=before_shutdown)
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-2:] == ["handler returned", "shutdown returned"], result.stdout
    assert lines[0].startswith("flushed ")


_LOCKS_AND_HANDLERS = {
    # lock held by the main thread: what the signal handler then does
    "batch processor": ("processor._lock", "print('flushed', processor.force_flush(5000))"),
    "batch processor shutdown": ("processor._shutdown_lock", "source.shutdown(); print('ok')"),
    "tracer source": ("source._lock", "source.add_span_processor(SpanProcessor()); print('ok')"),
    "in-memory exporter": ("exporter._lock", "tracer.start_span('s').end(); print('ok')"),
    "simple processor": ("simple._export_lock", "tracer.start_span('s').end(); print('ok')"),
    "span limits": (
        "span_limits._lock",
        "span = tracer.start_span('s'); [span.set_attribute(str(i), i) for i in range(40)];"
        " print('ok')",
    ),
    "failure reporter": (
        "_error_handler._lock",
        "_error_handler.report_failure(logging.getLogger('x'), 'failed'); print('ok')",
    ),
}


@pytest.mark.parametrize("lock", sorted(_LOCKS_AND_HANDLERS))
def test_signal_handler_using_the_sdk_while_this_thread_holds_its_lock_returns(lock):
    held, action = _LOCKS_AND_HANDLERS[lock]
    result = _run_python(
        """
        import logging, os, signal, time
        from opentelemetry.util import _error_handler
        from opentelemetry.sdk.trace import SpanProcessor, TracerSource
        from opentelemetry.sdk.trace import _bounded as span_limits
        from opentelemetry.sdk.trace.export import (
            BatchExportSpanProcessor, SimpleExportSpanProcessor)
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
            InMemorySpanExporter)

        source = TracerSource(shutdown_on_exit=False)
        processor = BatchExportSpanProcessor(InMemorySpanExporter(), schedule_delay_millis=60000)
        exporter = InMemorySpanExporter()
        simple = SimpleExportSpanProcessor(exporter)
        source.add_span_processor(processor)
        source.add_span_processor(simple)
        tracer = source.get_tracer("t")
        tracer.start_span("s").end()

        def on_signal(signum, frame):
            {action}

        signal.signal(signal.SIGUSR1, on_signal)
        # The SDK holds each lock for a few bytecodes at a time; a signal may
        # arrive then, and its handler use the SDK on this same thread.
        with {held}:
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(0.01)
        source.shutdown()
        print("done")
        """.replace("{action}", action).replace("{held}", held)
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "done"
    assert result.stdout.split()[:-1] in (["ok"], ["flushed", "True"])


# -- fork -----------------------------------------------------------------


@needs_fork
def test_child_forked_during_a_simple_export_ends_its_spans():
    result = _run_python(
        """
        import os, sys, threading, warnings
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads: the point
        from opentelemetry.sdk.trace import TracerSource
        from opentelemetry.sdk.trace.export import (
            SimpleExportSpanProcessor, SpanExporter, SpanExportResult)

        inside = threading.Event()
        release = threading.Event()

        class GatedExporter(SpanExporter):
            def __init__(self):
                self.names = []
            def export(self, spans):
                if spans[0].name == "parent-blocked":
                    inside.set()
                    release.wait(10)
                self.names.extend(span.name for span in spans)
                return SpanExportResult.SUCCESS

        exporter = GatedExporter()
        source = TracerSource(shutdown_on_exit=False)
        source.add_span_processor(SimpleExportSpanProcessor(exporter))
        tracer = source.get_tracer("fork")
        blocked = threading.Thread(target=lambda: tracer.start_span("parent-blocked").end())
        blocked.start()
        assert inside.wait(10)
        pid = os.fork()
        if pid == 0:
            ended = threading.Thread(target=lambda: tracer.start_span("child").end(), daemon=True)
            ended.start()
            ended.join(5)
            os._exit(1 if ended.is_alive() else 0 if exporter.names == ["child"] else 2)
        release.set()
        blocked.join(10)
        for _ in range(200):  # at most 10 s
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            threading.Event().wait(0.05)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit("child hung")
        print("child exit", os.waitstatus_to_exitcode(status))
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["child", "exit", "0"]


@needs_fork
def test_every_sdk_lock_is_usable_in_a_child_forked_while_another_thread_holds_it():
    result = _run_python(
        """
        import os, sys, threading, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        from opentelemetry import distributedcontext, trace
        from opentelemetry.util import _error_handler
        from opentelemetry.sdk.trace import TracerSource
        from opentelemetry.sdk.trace import _bounded as span_limits
        from opentelemetry.sdk.trace.export import (
            BatchExportSpanProcessor, SimpleExportSpanProcessor)
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        from opentelemetry.sdk.util import BoundedDict, BoundedList
        from opentelemetry.sdk.metrics.export.aggregate import CounterAggregator
        from opentelemetry.sdk.metrics.export.batcher import UngroupedBatcher
        from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter

        exporter = InMemorySpanExporter()
        simple = SimpleExportSpanProcessor(exporter)
        batch = BatchExportSpanProcessor(InMemorySpanExporter())
        batch.shutdown()  # shut down: it is not restarted in the child, only its locks renewed
        source = TracerSource(shutdown_on_exit=False)
        source.add_span_processor(simple)
        # Where each lock lives: read again in the child, where it is a new one.
        owners = {
            "source": (source, "_lock"),
            "multi processor": (source._active_span_processor, "_lock"),
            "simple processor": (simple, "_export_lock"),
            "in-memory exporter": (exporter, "_lock"),
            "batch processor shutdown": (batch, "_shutdown_lock"),
            "batch processor": (batch, "_lock"),
            "span limits": (span_limits, "_lock"),
            "tracer source loader": (trace._LOAD_ONCE, "lock"),
            "distributed context loader": (distributedcontext._LOAD_ONCE, "lock"),
            "failure reporter": (_error_handler, "_lock"),
            "v0.3 bounded list": (BoundedList(4), "_lock"),
            "v0.3 bounded dict": (BoundedDict(4), "_lock"),
            "metric aggregator": (CounterAggregator(), "_lock"),
            "metric batcher": (UngroupedBatcher(True), "_lock"),
            "OTLP span exporter": (OTLPSpanExporter("http://127.0.0.1:9"), "_count_lock"),
        }
        held = threading.Event()
        release = threading.Event()

        def hold_every_lock():
            for owner, name in owners.values():
                getattr(owner, name).acquire()
            held.set()
            release.wait(10)

        holder = threading.Thread(target=hold_every_lock, daemon=True)
        holder.start()
        assert held.wait(10)
        pid = os.fork()
        if pid == 0:
            stuck = [label for label, (owner, name) in owners.items()
                     if not getattr(owner, name).acquire(timeout=1)]
            os.write(1, ("stuck: " + ", ".join(stuck) + "\\n").encode())
            os._exit(0)
        release.set()
        _, status = os.waitpid(pid, 0)
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "stuck:"


@needs_fork
def test_child_forked_during_a_batch_export_exports_its_own_spans():
    result = _run_python(
        """
        import os, sys, threading, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        from opentelemetry.sdk.trace import TracerSource
        from opentelemetry.sdk.trace.export import (
            BatchExportSpanProcessor, SpanExporter, SpanExportResult)

        inside = threading.Event()
        release = threading.Event()

        class GatedExporter(SpanExporter):
            def export(self, spans):
                if spans[0].name == "parent":
                    inside.set()
                    release.wait(10)
                os.write(1, "{} {}\\n".format(
                    os.getpid(), ",".join(s.name for s in spans)).encode())
                return SpanExportResult.SUCCESS

        source = TracerSource(shutdown_on_exit=False)
        processor = BatchExportSpanProcessor(GatedExporter(), schedule_delay_millis=60000)
        source.add_span_processor(processor)
        tracer = source.get_tracer("fork")
        tracer.start_span("parent").end()
        threading.Thread(target=processor.force_flush, args=(10000,), daemon=True).start()
        assert inside.wait(10)
        pid = os.fork()
        if pid == 0:
            tracer.start_span("child").end()
            flushed = processor.force_flush(5000)
            source.shutdown()
            os._exit(0 if flushed else 1)
        release.set()
        _, status = os.waitpid(pid, 0)
        source.shutdown()
        print("child exit", os.waitstatus_to_exitcode(status))
        """
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "child exit 0"
    exports = sorted(line.split()[1] for line in lines[:-1])
    assert exports == ["child", "parent"]


@needs_fork
def test_multiprocessing_fork_children_export_their_spans_on_exit(tmp_path):
    result = _run_python(
        """
        import multiprocessing, os, sys, warnings
        warnings.simplefilter("ignore", DeprecationWarning)
        from opentelemetry.sdk.trace import TracerSource
        from opentelemetry.sdk.trace.export import (
            BatchExportSpanProcessor, SpanExporter, SpanExportResult)

        class FileExporter(SpanExporter):
            def export(self, spans):
                with open({path!r}, "a") as out:
                    out.writelines(span.name + "\\n" for span in spans)
                return SpanExportResult.SUCCESS

        source = TracerSource()
        source.add_span_processor(
            BatchExportSpanProcessor(FileExporter(), schedule_delay_millis=60000))
        tracer = source.get_tracer("workers")

        def work(number):
            # Nothing but the span: the documented promise is that the child
            # needs no flush of its own.
            with tracer.start_as_current_span("child-{{}}".format(number)):
                pass

        if __name__ == "__main__":
            context = multiprocessing.get_context("fork")
            children = [context.Process(target=work, args=(n,)) for n in range(10)]
            for child in children:
                child.start()
            for child in children:
                child.join(30)
            print("exit codes", sorted({{child.exitcode for child in children}}))
        """.format(path=str(tmp_path / "spans.txt"))
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["exit", "codes", "[0]"]
    names = sorted((tmp_path / "spans.txt").read_text().split())
    assert names == sorted("child-{}".format(n) for n in range(10))


# -- the loader -----------------------------------------------------------


def test_implementation_module_asking_for_a_tracer_while_it_loads_does_not_hang(tmp_path):
    (tmp_path / "instrumented_implementation.py").write_text(
        textwrap.dedent(
            """
            from opentelemetry import trace
            from opentelemetry.sdk.trace import TracerSource
            from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
            from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
                InMemorySpanExporter)

            # An instrumented module gets its tracer at import time.
            tracer = trace.get_tracer(__name__)
            exporter = InMemorySpanExporter()

            def get_opentelemetry_implementation(api_type):
                trace.get_tracer("factory")  # and so may the factory
                source = TracerSource(shutdown_on_exit=False)
                source.add_span_processor(SimpleExportSpanProcessor(exporter))
                return source
            """
        )
    )
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE="instrumented_implementation",
    )
    result = _run_python(
        """
        from opentelemetry import trace
        source = trace.tracer_source()
        import instrumented_implementation as module
        with module.tracer.start_as_current_span("at-import"):
            pass
        print(type(source).__module__, type(source).__name__)
        print([span.name for span in module.exporter.get_finished_spans()])
        """,
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "opentelemetry.sdk.trace.tracer_source TracerSource",
        "['at-import']",
    ]


def test_factory_asking_for_a_tracer_while_it_runs_does_not_hang():
    result = _run_python(
        """
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerSource

        def factory(api_type):
            trace.get_tracer("from-the-factory")
            return TracerSource(shutdown_on_exit=False)

        trace.set_preferred_tracer_source_implementation(factory)
        print(type(trace.tracer_source()).__name__)
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["TracerSource"]


def test_distributed_context_factory_asking_for_the_manager_while_it_runs_does_not_hang():
    result = _run_python(
        """
        from opentelemetry import distributedcontext
        from opentelemetry.sdk.distributedcontext import DistributedContextManager

        def factory(api_type):
            distributedcontext.distributed_context_manager()  # re-entered while loading
            return DistributedContextManager()

        distributedcontext.set_preferred_distributed_context_manager_implementation(factory)
        print(type(distributedcontext.distributed_context_manager()).__module__)
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "opentelemetry.sdk.distributedcontext.distributed_context_manager"
    ]
