"""configure_tracing: one call at start-up traces the process as the environment says."""

import logging
import os
import subprocess
import sys

import pytest

from opentelemetry import distributedcontext as dctx_api
from opentelemetry import propagators
from opentelemetry import trace as trace_api
from opentelemetry.sdk.context.propagation import CompositeHTTPTextFormat
from opentelemetry.sdk.trace import configure_tracing, environment_setup
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.util import loader


@pytest.fixture(autouse=True)
def fresh_globals(monkeypatch):
    """configure_tracing changes process-wide choices: put them back after each test."""
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE", None)
    monkeypatch.setattr(trace_api, "_TRACER_SOURCE_FACTORY", None)
    monkeypatch.setattr(environment_setup, "_configured_source", None)
    monkeypatch.setattr(propagators, "_HTTP_TEXT_FORMAT", propagators._HTTP_TEXT_FORMAT)
    monkeypatch.setattr(dctx_api, "_MANAGER_FACTORY", dctx_api._MANAGER_FACTORY)
    monkeypatch.setattr(dctx_api, "_MANAGER", None)
    for name in list(os.environ):
        if name.startswith(("OTEL_", loader.ENV_PREFIX)):
            monkeypatch.delenv(name)
    sources = []
    yield sources
    for source in sources:
        source.shutdown()


def test_tracers_libraries_took_earlier_record_into_the_configured_source(fresh_globals):
    library_tracer = trace_api.get_tracer("library")
    exporter = InMemorySpanExporter()
    source = configure_tracing("frontend", exporters=[exporter])
    fresh_globals.append(source)
    assert trace_api.tracer_source() is source
    with trace_api.get_tracer("app").start_as_current_span("request"):
        with library_tracer.start_as_current_span("query"):
            pass
    assert source.force_flush(5000)
    query, request = exporter.get_finished_spans()
    assert query.parent is request
    assert request.resource.labels["service.name"] == "frontend"


def test_the_propagators_of_the_environment_are_installed(fresh_globals):
    fresh_globals.append(configure_tracing("frontend", exporters=[]))
    # OTEL_PROPAGATORS defaults to tracecontext,baggage: a composite of both.
    assert isinstance(propagators.get_global_httptextformat(), CompositeHTTPTextFormat)


def test_the_environment_names_the_service_over_the_argument(monkeypatch, fresh_globals):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "renamed-by-ops")
    source = configure_tracing("frontend", exporters=[])
    fresh_globals.append(source)
    assert source.resource.labels["service.name"] == "renamed-by-ops"


def test_a_resource_with_its_own_service_name_keeps_it(fresh_globals):
    from opentelemetry.sdk.resources import Resource

    source = configure_tracing(
        "frontend", resource=Resource({"service.name": "explicit", "k": "v"}), exporters=[]
    )
    fresh_globals.append(source)
    assert source.resource.labels["service.name"] == "explicit"
    assert source.resource.labels["k"] == "v"


def test_a_call_after_the_source_is_in_use_logs_and_returns_the_source_in_use(caplog):
    in_use = trace_api.tracer_source()
    with caplog.at_level(logging.ERROR):
        returned = configure_tracing("frontend", exporters=[])
    assert returned is in_use
    assert "before the first span" in caplog.text


def test_the_loader_variable_wins_and_a_warning_says_so(monkeypatch, caplog, fresh_globals):
    monkeypatch.setenv(loader.ENV_PREFIX + "TRACERSOURCE", "opentelemetry.sdk.trace")
    with caplog.at_level(logging.WARNING):
        fresh_globals.append(configure_tracing("frontend", exporters=[]))
    assert "wins over configure_tracing()" in caplog.text


def test_two_lines_trace_a_program_to_the_chosen_exporter():
    program = (
        "from opentelemetry.sdk.trace import configure_tracing\n"
        "configure_tracing('two-lines')\n"
        "from opentelemetry import trace\n"
        "with trace.get_tracer(__name__).start_as_current_span('work'):\n"
        "    pass\n"
        "print(trace.tracer_source().resource.labels['service.name'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", loader.ENV_PREFIX))}
    env["OTEL_TRACES_EXPORTER"] = "console"
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    span_line, service = result.stdout.splitlines()
    assert span_line.startswith('Span(name="work"')
    assert service == "two-lines"


def test_a_second_call_before_the_first_span_replaces_the_first(fresh_globals, caplog):
    first_exporter, second_exporter = InMemorySpanExporter(), InMemorySpanExporter()
    first = configure_tracing("first", exporters=[first_exporter])
    with caplog.at_level(logging.WARNING):
        second = configure_tracing("second", exporters=[second_exporter])
    fresh_globals.append(second)
    assert "earlier configuration is replaced" in caplog.text
    assert trace_api.tracer_source() is second
    first.get_tracer("late").start_span("after shutdown").end()  # dropped: first is shut down
    trace_api.get_tracer("app").start_span("kept").end()
    assert second.force_flush(5000)
    assert [span.name for span in second_exporter.get_finished_spans()] == ["kept"]
    assert first_exporter.get_finished_spans() == ()
