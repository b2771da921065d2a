"""Zero-code setup: the loader's hook builds what the OTEL_* variables describe."""

import io
import logging

import pytest

from opentelemetry import distributedcontext as dctx_api
from opentelemetry import propagators
from opentelemetry import trace as trace_api
from opentelemetry.context.propagation.tracecontexthttptextformat import TraceContextHTTPTextFormat
from opentelemetry.sdk import distributedcontext as sdk_dctx
from opentelemetry.sdk.configuration import read_configuration
from opentelemetry.sdk.context.propagation import B3Format, CompositeHTTPTextFormat
from opentelemetry.sdk.trace import TracerSource, configured_tracer_source, environment_setup
from opentelemetry.sdk.trace import get_opentelemetry_implementation
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    ConsoleSpanExporter,
    SimpleExportSpanProcessor,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter
from opentelemetry.util import loader


@pytest.fixture(autouse=True)
def restore_globals(monkeypatch):
    """install_propagators changes process-wide choices: put them back after each test."""
    monkeypatch.setattr(propagators, "_HTTP_TEXT_FORMAT", propagators._HTTP_TEXT_FORMAT)
    monkeypatch.setattr(dctx_api, "_MANAGER_FACTORY", dctx_api._MANAGER_FACTORY)
    monkeypatch.setattr(dctx_api, "_MANAGER", None)
    for name in list(__import__("os").environ):
        if name.startswith("OTEL_"):
            monkeypatch.delenv(name)


def _processors(source):
    return list(source._active_span_processor._span_processors)


def test_the_chosen_exporters_each_get_a_processor(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp,console")
    monkeypatch.setenv("OTEL_BSP_SCHEDULE_DELAY", "123")
    monkeypatch.setenv("OTEL_BSP_MAX_QUEUE_SIZE", "64")
    monkeypatch.setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "8")
    monkeypatch.setenv("OTEL_BSP_EXPORT_TIMEOUT", "456")
    source = configured_tracer_source(shutdown_on_exit=False)
    try:
        batch, simple = _processors(source)
        assert isinstance(batch, BatchExportSpanProcessor)
        assert isinstance(batch.span_exporter, OTLPSpanExporter)
        assert (
            batch.schedule_delay_millis,
            batch.max_queue_size,
            batch.max_export_batch_size,
            batch.export_timeout_millis,
        ) == (123, 64, 8, 456)
        assert isinstance(simple, SimpleExportSpanProcessor)
    finally:
        source.shutdown()


def test_no_exporter_means_no_processor(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert _processors(configured_tracer_source(shutdown_on_exit=False)) == []


def test_keyword_overrides_replace_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "otlp")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    exporter = InMemorySpanExporter()
    from opentelemetry.trace import sampling

    source = configured_tracer_source(
        exporters=[exporter], sampler=sampling.ALWAYS_ON, shutdown_on_exit=False
    )
    (processor,) = _processors(source)
    assert processor.span_exporter is exporter and source.sampler is sampling.ALWAYS_ON
    source.get_tracer("t").start_span("s").end()
    assert source.force_flush(5000)
    assert [span.name for span in exporter.get_finished_spans()] == ["s"]
    source.shutdown()


def test_console_exporter_prints_each_span_as_it_ends(monkeypatch):
    out = io.StringIO()
    source = configured_tracer_source(
        exporters=[ConsoleSpanExporter(out=out)], shutdown_on_exit=False
    )
    source.get_tracer("t").start_span("printed").end()
    assert 'name="printed"' in out.getvalue()


@pytest.mark.parametrize(
    "names, expected",
    [
        ("tracecontext", [TraceContextHTTPTextFormat]),
        ("b3", [B3Format]),
        ("tracecontext,b3multi", [TraceContextHTTPTextFormat, B3Format]),
        ("tracecontext,baggage", [TraceContextHTTPTextFormat, sdk_dctx.CurrentDistributedContextHTTPTextFormat]),
        ("none", []),
    ],
)
def test_the_named_propagators_become_the_global_format(monkeypatch, names, expected):
    monkeypatch.setenv("OTEL_PROPAGATORS", names)
    environment_setup.install_propagators()
    installed = propagators.get_global_httptextformat()
    formats = installed.formats if isinstance(installed, CompositeHTTPTextFormat) else [installed]
    assert [type(f) for f in formats] == expected


def test_b3_names_the_single_header_and_b3multi_the_x_b3_headers():
    single = environment_setup.configured_http_text_format(read_configuration({"OTEL_PROPAGATORS": "b3"}))
    multi = environment_setup.configured_http_text_format(
        read_configuration({"OTEL_PROPAGATORS": "b3multi"})
    )
    assert single.single_header and not multi.single_header


def test_baggage_makes_the_sdk_manager_with_the_baggage_format_preferred(monkeypatch):
    monkeypatch.setenv("OTEL_PROPAGATORS", "tracecontext,baggage")
    environment_setup.install_propagators()
    manager = dctx_api.distributed_context_manager()
    assert isinstance(manager, sdk_dctx.DistributedContextManager)
    assert isinstance(manager.http_text_format(), sdk_dctx.BaggageHTTPTextFormat)


def test_a_manager_already_in_use_is_kept_and_that_is_logged(monkeypatch, caplog):
    in_use = dctx_api.DistributedContextManager()
    monkeypatch.setattr(dctx_api, "_MANAGER", in_use)
    environment_setup.install_propagators(read_configuration({"OTEL_PROPAGATORS": "baggage"}))
    assert dctx_api.distributed_context_manager() is in_use
    assert "already in use" in caplog.text


def test_the_loader_builds_a_configured_sdk_source_from_the_environment(monkeypatch):
    monkeypatch.setenv("OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE", "opentelemetry.sdk.trace")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "loaded")
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    monkeypatch.setenv("OTEL_PROPAGATORS", "b3multi")
    source = loader.load_implementation(trace_api.TracerSource, None, trace_api.DefaultTracerSource)
    assert isinstance(source, TracerSource)
    assert source.resource.labels["service.name"] == "loaded"
    assert isinstance(propagators.get_global_httptextformat(), B3Format)


def test_a_disabled_sdk_gives_the_loader_the_api_no_ops(monkeypatch):
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    monkeypatch.setenv("OTEL_PROPAGATORS", "b3multi")
    before = propagators.get_global_httptextformat()
    assert type(get_opentelemetry_implementation(trace_api.TracerSource)) is trace_api.DefaultTracerSource
    assert propagators.get_global_httptextformat() is before
    manager = get_opentelemetry_implementation(dctx_api.DistributedContextManager)
    assert type(manager) is dctx_api.DistributedContextManager


def test_the_hook_also_builds_the_sdk_distributed_context_manager(monkeypatch):
    monkeypatch.setenv("OTEL_PROPAGATORS", "baggage")
    manager = get_opentelemetry_implementation(dctx_api.DistributedContextManager)
    assert isinstance(manager, sdk_dctx.DistributedContextManager)
    assert isinstance(manager.http_text_format(), sdk_dctx.BaggageHTTPTextFormat)


def test_another_type_is_refused_and_the_loader_falls_back(caplog):
    class Other:
        pass

    with pytest.raises(TypeError):
        get_opentelemetry_implementation(Other)
    monkey_factory = lambda api_type: get_opentelemetry_implementation(Other)  # noqa: E731
    with caplog.at_level(logging.ERROR):
        result = loader.load_implementation(Other, monkey_factory, Other)
    assert type(result) is Other and "failed" in caplog.text
