"""The OTEL_* environment variables: read once at construction, bad values logged and defaulted."""

import logging

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.configuration import Configuration, read_configuration
from opentelemetry.sdk.resources import Resource, get_default_resource
from opentelemetry.sdk.trace import SpanLimits, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import (
    ParentBasedSampler,
    TraceIdRatioSampler,
    sampler_from_configuration,
)
from opentelemetry.trace import sampling


def _config(**variables):
    return read_configuration(variables)


# -- defaults -----------------------------------------------------------------


def test_an_empty_environment_gives_every_default():
    config = _config()
    assert config.sdk_disabled is False
    assert config.service_name is None
    assert config.resource_attributes == {}
    assert config.traces_sampler == "always_on"
    assert config.traces_sampler_ratio == 1.0
    assert (
        config.bsp_schedule_delay_millis,
        config.bsp_export_timeout_millis,
        config.bsp_max_queue_size,
        config.bsp_max_export_batch_size,
    ) == (5000, 30000, 2048, 512)
    assert (
        config.span_attribute_count_limit,
        config.span_event_count_limit,
        config.span_link_count_limit,
        config.attribute_value_length_limit,
    ) == (32, 128, 32, None)
    assert config.traces_exporter == ("otlp",)
    assert config.propagators == ("tracecontext", "baggage")


def test_empty_and_blank_variables_count_as_unset():
    config = _config(OTEL_SERVICE_NAME="  ", OTEL_BSP_MAX_QUEUE_SIZE="", OTEL_PROPAGATORS=" ")
    assert config.service_name is None
    assert config.bsp_max_queue_size == 2048
    assert config.propagators == ("tracecontext", "baggage")


def test_configuration_is_read_only():
    config = _config()
    with pytest.raises(AttributeError):
        config.sdk_disabled = True  # type: ignore[misc]


def test_read_configuration_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-os-environ")
    assert read_configuration().service_name == "from-os-environ"


# -- valid values ---------------------------------------------------------------


def test_every_variable_is_read():
    config = _config(
        OTEL_SDK_DISABLED="TRUE",
        OTEL_SERVICE_NAME="checkout",
        OTEL_RESOURCE_ATTRIBUTES="deployment.environment=prod,team=payments",
        OTEL_TRACES_SAMPLER="parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG="0.25",
        OTEL_BSP_SCHEDULE_DELAY="100",
        OTEL_BSP_EXPORT_TIMEOUT="200",
        OTEL_BSP_MAX_QUEUE_SIZE="300",
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE="30",
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT="5",
        OTEL_SPAN_EVENT_COUNT_LIMIT="6",
        OTEL_SPAN_LINK_COUNT_LIMIT="7",
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT="8",
        OTEL_TRACES_EXPORTER="console, otlp",
        OTEL_PROPAGATORS="b3multi,tracecontext",
    )
    assert config.sdk_disabled is True
    assert config.service_name == "checkout"
    assert config.resource_attributes == {"deployment.environment": "prod", "team": "payments"}
    assert (config.traces_sampler, config.traces_sampler_ratio) == ("parentbased_traceidratio", 0.25)
    assert (
        config.bsp_schedule_delay_millis,
        config.bsp_export_timeout_millis,
        config.bsp_max_queue_size,
        config.bsp_max_export_batch_size,
    ) == (100, 200, 300, 30)
    assert (
        config.span_attribute_count_limit,
        config.span_event_count_limit,
        config.span_link_count_limit,
        config.attribute_value_length_limit,
    ) == (5, 6, 7, 8)
    assert config.traces_exporter == ("console", "otlp")
    assert config.propagators == ("b3multi", "tracecontext")


def test_resource_attributes_are_percent_decoded_and_stripped():
    config = _config(OTEL_RESOURCE_ATTRIBUTES=" a%20b = c%2Cd%3De , e=%E2%9C%93 ")
    assert config.resource_attributes == {"a b": "c,d=e", "e": "\u2713"}


def test_none_alone_selects_no_exporter_or_propagator():
    config = _config(OTEL_TRACES_EXPORTER="none", OTEL_PROPAGATORS="none")
    assert (config.traces_exporter, config.propagators) == ((), ())


def test_repeated_names_are_kept_once():
    assert _config(OTEL_PROPAGATORS="b3,b3,tracecontext").propagators == ("b3", "tracecontext")


def test_the_ratio_argument_is_ignored_for_samplers_without_a_ratio(caplog):
    config = _config(OTEL_TRACES_SAMPLER="always_on", OTEL_TRACES_SAMPLER_ARG="nonsense")
    assert config.traces_sampler_ratio == 1.0
    assert caplog.text == ""


# -- bad values -------------------------------------------------------------------


@pytest.mark.parametrize(
    "variable, value, attribute, default",
    [
        ("OTEL_SDK_DISABLED", "yes", "sdk_disabled", False),
        ("OTEL_TRACES_SAMPLER", "sometimes", "traces_sampler", "always_on"),
        ("OTEL_BSP_SCHEDULE_DELAY", "5s", "bsp_schedule_delay_millis", 5000),
        ("OTEL_BSP_SCHEDULE_DELAY", "0", "bsp_schedule_delay_millis", 5000),
        ("OTEL_BSP_EXPORT_TIMEOUT", "-1", "bsp_export_timeout_millis", 30000),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "1e3", "bsp_max_queue_size", 2048),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "many", "bsp_max_export_batch_size", 512),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "-3", "span_attribute_count_limit", 32),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "1.5", "span_event_count_limit", 128),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", "\u0663", "span_link_count_limit", 32),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "short", "attribute_value_length_limit", None),
        ("OTEL_TRACES_EXPORTER", "jaeger", "traces_exporter", ("otlp",)),
        ("OTEL_PROPAGATORS", "xray", "propagators", ("tracecontext", "baggage")),
    ],
)
def test_a_bad_value_is_logged_and_the_default_used(caplog, variable, value, attribute, default):
    with caplog.at_level(logging.WARNING, logger="opentelemetry.sdk.configuration"):
        config = _config(**{variable: value})
    assert getattr(config, attribute) == default
    assert variable in caplog.text
    assert repr(value)[1:-1] in caplog.text or value in caplog.text


@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "half"])
def test_a_bad_sampler_ratio_is_logged_and_one_used(caplog, value):
    with caplog.at_level(logging.WARNING):
        config = _config(OTEL_TRACES_SAMPLER="traceidratio", OTEL_TRACES_SAMPLER_ARG=value)
    assert config.traces_sampler_ratio == 1.0
    assert "OTEL_TRACES_SAMPLER_ARG" in caplog.text


def test_unknown_names_in_a_list_are_logged_and_the_known_ones_kept(caplog):
    with caplog.at_level(logging.WARNING):
        config = _config(OTEL_PROPAGATORS="tracecontext,xray,baggage", OTEL_TRACES_EXPORTER="zipkin,console")
    assert config.propagators == ("tracecontext", "baggage")
    assert config.traces_exporter == ("console",)
    assert "'xray' in OTEL_PROPAGATORS" in caplog.text
    assert "'zipkin' in OTEL_TRACES_EXPORTER" in caplog.text


def test_a_batch_size_over_the_queue_size_is_logged_and_capped(caplog):
    with caplog.at_level(logging.WARNING):
        config = _config(OTEL_BSP_MAX_QUEUE_SIZE="100", OTEL_BSP_MAX_EXPORT_BATCH_SIZE="200")
    assert (config.bsp_max_queue_size, config.bsp_max_export_batch_size) == (100, 100)
    assert "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=200" in caplog.text


def test_bad_resource_attribute_entries_are_logged_and_skipped(caplog):
    with caplog.at_level(logging.WARNING):
        config = _config(OTEL_RESOURCE_ATTRIBUTES="good=1,novalue,=empty-key,bad=%FF,,also=2")
    assert config.resource_attributes == {"good": "1", "also": "2"}
    for entry in ("novalue", "=empty-key", "bad=%FF"):
        assert repr(entry) in caplog.text


# -- the service identity -------------------------------------------------------------


def test_the_default_resource_names_the_service_and_the_sdk():
    labels = get_default_resource(_config(OTEL_SERVICE_NAME="checkout")).labels
    assert labels["service.name"] == "checkout"
    assert labels["telemetry.sdk.name"] == "opentelemetry"
    assert labels["telemetry.sdk.language"] == "python"
    assert labels["telemetry.sdk.version"] == "0.3.0"


def test_without_a_service_name_the_executable_names_an_unknown_service(monkeypatch):
    monkeypatch.setattr("sys.executable", "/usr/local/bin/python3.11")
    labels = get_default_resource(_config()).labels
    assert labels["service.name"] == "unknown_service:python3.11"


def test_resource_attributes_add_labels_and_may_name_the_service():
    labels = get_default_resource(
        _config(OTEL_RESOURCE_ATTRIBUTES="service.name=from-attributes,host.name=h1")
    ).labels
    assert (labels["service.name"], labels["host.name"]) == ("from-attributes", "h1")


def test_otel_service_name_wins_over_resource_attributes():
    labels = get_default_resource(
        _config(OTEL_SERVICE_NAME="named", OTEL_RESOURCE_ATTRIBUTES="service.name=attributes")
    ).labels
    assert labels["service.name"] == "named"


def test_explicit_resource_labels_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-env")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "host.name=env-host,region=eu")
    source = TracerSource(
        shutdown_on_exit=False, resource=Resource({"service.name": "code", "host.name": "h"})
    )
    labels = source.resource.labels
    assert (labels["service.name"], labels["host.name"], labels["region"]) == ("code", "h", "eu")


def test_a_source_reads_the_environment_once_when_built(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "first")
    source = TracerSource(shutdown_on_exit=False)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "second")
    assert source.get_tracer("t").start_span("s").resource.labels["service.name"] == "first"


# -- samplers and limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("always_on", sampling.ALWAYS_ON),
        ("always_off", sampling.ALWAYS_OFF),
        ("parentbased_always_on", sampling.DEFAULT_ON),
    ],
)
def test_the_named_sampler_is_used(monkeypatch, name, expected):
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", name)
    assert TracerSource(shutdown_on_exit=False).sampler is expected


def test_traceidratio_samples_by_trace_id_whatever_the_parent_says():
    sampler = sampler_from_configuration(
        _config(OTEL_TRACES_SAMPLER="traceidratio", OTEL_TRACES_SAMPLER_ARG="0.5")
    )
    assert isinstance(sampler, TraceIdRatioSampler) and sampler.rate == 0.5
    sampled_parent = trace_api.SpanContext(1, 2, trace_api.TraceOptions(1))
    assert not sampler.should_sample(sampled_parent, 2**63, 3, "s").sampled
    assert sampler.should_sample(None, 2**63 - 1, 3, "s").sampled


def test_parentbased_always_off_samples_no_root_and_follows_parents(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_always_off")
    sampler = TracerSource(shutdown_on_exit=False).sampler
    assert isinstance(sampler, ParentBasedSampler) and sampler.root is sampling.ALWAYS_OFF
    assert not sampler.should_sample(None, 1, 2, "root").sampled
    sampled_parent = trace_api.SpanContext(1, 2, trace_api.TraceOptions(1), is_remote=True)
    assert sampler.should_sample(sampled_parent, 1, 3, "child").sampled


def test_parentbased_traceidratio_uses_the_ratio_for_roots():
    sampler = sampler_from_configuration(
        _config(OTEL_TRACES_SAMPLER="parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG="0.25")
    )
    assert isinstance(sampler.root, TraceIdRatioSampler) and sampler.root.rate == 0.25
    assert sampler.should_sample(None, 2**62 - 1, 2, "root").sampled
    assert not sampler.should_sample(None, 2**62, 2, "root").sampled
    sampled_parent = trace_api.SpanContext(1, 2, trace_api.TraceOptions(1))
    assert sampler.should_sample(sampled_parent, 1, 3, "child").sampled


def test_an_explicit_sampler_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    assert TracerSource(sampling.ALWAYS_ON, shutdown_on_exit=False).sampler is sampling.ALWAYS_ON


def test_span_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "1")
    monkeypatch.setenv("OTEL_SPAN_EVENT_COUNT_LIMIT", "2")
    monkeypatch.setenv("OTEL_SPAN_LINK_COUNT_LIMIT", "3")
    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4")
    limits = TracerSource(shutdown_on_exit=False).span_limits
    assert (
        limits.max_attributes,
        limits.max_events,
        limits.max_links,
        limits.max_attribute_length,
    ) == (1, 2, 3, 4)


def test_explicit_span_limits_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "1")
    limits = SpanLimits(max_attributes=9)
    assert TracerSource(shutdown_on_exit=False, span_limits=limits).span_limits is limits


# -- OTEL_SDK_DISABLED ----------------------------------------------------------------------


def test_a_disabled_sdk_hands_out_the_api_no_op_tracer(monkeypatch):
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    source = TracerSource()
    exporter = InMemorySpanExporter()
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    tracer = source.get_tracer("t")
    assert type(tracer) is trace_api.DefaultTracer
    with tracer.start_as_current_span("s") as span:
        assert span is trace_api.INVALID_SPAN
    assert exporter.get_finished_spans() == ()
    assert source.disabled


def test_a_configuration_passed_in_is_used_instead_of_the_environment(monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "env")
    source = TracerSource(shutdown_on_exit=False, configuration=_config(OTEL_SERVICE_NAME="given"))
    assert source.resource.labels["service.name"] == "given"
    assert isinstance(_config(), Configuration)
