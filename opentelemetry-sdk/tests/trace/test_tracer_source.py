"""The SDK tracer source: processors, shutdown, selection through the API hook."""

import gc
import subprocess
import sys

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import SpanProcessor, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class Recorder(SpanProcessor):
    def __init__(self, log, name):
        self.log = log
        self.name = name

    def on_start(self, span):
        self.log.append((self.name, "start", span.name))

    def on_end(self, span):
        self.log.append((self.name, "end", span.name))

    def shutdown(self):
        self.log.append((self.name, "shutdown"))


def test_processors_see_start_and_end_in_the_order_added():
    log = []
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(Recorder(log, "a"))
    source.add_span_processor(Recorder(log, "b"))
    source.get_tracer("t").start_span("s").end()
    assert log == [("a", "start", "s"), ("b", "start", "s"), ("a", "end", "s"), ("b", "end", "s")]


def test_shutdown_reaches_every_processor_once():
    log = []
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(Recorder(log, "a"))
    source.shutdown()
    source.shutdown()
    assert log == [("a", "shutdown")]


def test_force_flush_reports_success_of_all_processors():
    class Slow(SpanProcessor):
        def force_flush(self, timeout_millis=30000):
            return False

    source = TracerSource(shutdown_on_exit=False)
    assert source.force_flush()
    source.add_span_processor(Slow())
    assert not source.force_flush(100)


def test_get_current_span_follows_the_context():
    source = TracerSource(shutdown_on_exit=False)
    tracer = source.get_tracer("t")
    with tracer.start_as_current_span("s") as span:
        assert source.get_current_span() is span
    assert source.get_current_span() is None


def test_source_registered_for_exit_is_not_kept_alive():
    import weakref

    source = TracerSource(shutdown_on_exit=True)
    ref = weakref.ref(source)
    del source
    gc.collect()
    assert ref() is None


def test_interpreter_exit_shuts_processors_down():
    program = (
        "from opentelemetry.sdk.trace import TracerSource, SpanProcessor\n"
        "class P(SpanProcessor):\n"
        "    def shutdown(self):\n"
        "        print('shut down')\n"
        "source = TracerSource()\n"
        "source.add_span_processor(P())\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stdout == "shut down\n", result.stderr


def test_sdk_selected_through_the_api_hook(monkeypatch):
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE_FACTORY", None)
    monkeypatch.delenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE", raising=False)
    monkeypatch.delenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT", raising=False)
    trace_api.set_preferred_tracer_source_implementation(
        lambda T: TracerSource(shutdown_on_exit=False)
    )
    assert isinstance(trace_api.tracer_source(), TracerSource)
    assert trace_api.get_tracer(__name__).start_span("s").is_recording_events()


@pytest.mark.parametrize("name", ["", None, 3])
def test_bad_module_names_get_the_error_name(name):
    tracer = TracerSource(shutdown_on_exit=False).get_tracer(name)
    assert tracer.instrumentation_info.name == "ERROR:MISSING MODULE NAME"


# -- configuration checked where it is given ---------------------------------


def _exporting_source(**kwargs):
    from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False, **kwargs)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source, exporter


def test_span_limits_given_as_a_dict_become_span_limits(caplog):
    source, exporter = _exporting_source(span_limits={"max_attributes": 1})
    span = source.get_tracer("t").start_span("s", attributes={"a": 1, "b": 2})
    span.end()
    assert dict(exporter.get_finished_spans()[0].attributes) == {"b": 2}
    assert "not SpanLimits" in caplog.text


@pytest.mark.parametrize("span_limits", [{"max_spans": 3}, 32, "32"])
def test_span_limits_of_another_kind_are_logged_and_the_defaults_used(caplog, span_limits):
    source, exporter = _exporting_source(span_limits=span_limits)
    source.get_tracer("t").start_span("s", attributes={"a": 1}).end()
    assert dict(exporter.get_finished_spans()[0].attributes) == {"a": 1}
    assert source.span_limits.max_attributes == 32
    assert "not SpanLimits" in caplog.text





# -- force_flush timeouts ---------------------------------------------------


@pytest.mark.parametrize(
    "timeout",
    [float("inf"), float("nan"), None, "5000", 10**400, -5, True],
    ids=["inf", "nan", "None", "str", "10**400", "negative", "bool"],
)
def test_force_flush_with_a_bad_timeout_flushes_and_logs(caplog, timeout):
    from opentelemetry.sdk.trace.export import BatchExportSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(BatchExportSpanProcessor(exporter, schedule_delay_millis=60000))
    source.get_tracer("t").start_span("s").end()

    flushed = source.force_flush(timeout)

    assert flushed in (True, False)
    if timeout != -5:  # 0 ms may be too short; every other value waits
        assert flushed is True
        assert len(exporter.get_finished_spans()) == 1
    assert "force_flush timeout" in caplog.text
    source.shutdown()


def test_library_tracer_taken_before_the_sdk_is_chosen_records(monkeypatch):
    # The import order of issue 16: a library takes its tracer at import
    # time, the application chooses the SDK afterwards.
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE_FACTORY", None)
    monkeypatch.delenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE", raising=False)
    monkeypatch.delenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT", raising=False)
    library_tracer = trace_api.get_tracer("library", "1.2")
    source = TracerSource(shutdown_on_exit=False)
    trace_api.set_preferred_tracer_source_implementation(lambda T: source)
    exporter = InMemorySpanExporter()
    trace_api.tracer_source().add_span_processor(SimpleExportSpanProcessor(exporter))
    app_tracer = trace_api.get_tracer("app")
    with app_tracer.start_as_current_span("request"):
        with library_tracer.start_as_current_span("query"):
            pass
    query, request = exporter.get_finished_spans()
    assert query.parent is request
    assert query.instrumentation_info.name == "library"
    assert library_tracer.instrumentation_info.version == "1.2"
