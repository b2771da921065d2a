"""Metrics configured by the environment alone, through the v0.3 loader."""

import os
import subprocess
import sys
import textwrap

import pytest

from opentelemetry import metrics as metrics_api
from opentelemetry.sdk import metrics
from opentelemetry.sdk.configuration import read_configuration
from opentelemetry.sdk.metrics.export import ConsoleMetricsExporter
from opentelemetry.sdk.metrics.export.otlp import OTLPMetricsExporter

API_ONLY_PROGRAM = textwrap.dedent(
    """
    from opentelemetry import metrics

    meter = metrics.meter()
    print(type(meter).__module__, flush=True)
    counter = meter.create_metric("jobs", "jobs done", "1", int, metrics.Counter, ("queue",))
    counter.add(3, meter.get_label_set({"queue": "email"}))
    """
)


def run_api_only_program(**variables):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OTEL_", "OPENTELEMETRY_PYTHON"))
    }
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", API_ONLY_PROGRAM],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_meter_variable_naming_the_metrics_sdk_pushes_to_the_chosen_exporter_at_exit():
    result = run_api_only_program(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_METER="opentelemetry.sdk.metrics",
        OTEL_METRICS_EXPORTER="console",
        OTEL_METRIC_EXPORT_INTERVAL="600000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    first, last = result.stdout.splitlines()
    assert first == "opentelemetry.sdk.metrics.meter"
    assert last.endswith("label_set=\"(('queue', 'email'),)\", value=3)")


def test_default_variable_naming_the_trace_sdk_gives_a_meter_too():
    result = run_api_only_program(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT="opentelemetry.sdk.trace",
        OTEL_METRICS_EXPORTER="console",
        OTEL_TRACES_EXPORTER="none",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1].endswith("value=3)")


def test_sdk_disabled_gives_the_api_no_op_meter():
    result = run_api_only_program(
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_METER="opentelemetry.sdk.metrics",
        OTEL_SDK_DISABLED="true",
        OTEL_METRICS_EXPORTER="console",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "opentelemetry.metrics\n"


def test_configured_meter_has_a_controller_per_exporter_at_the_interval():
    configuration = read_configuration(
        {"OTEL_METRICS_EXPORTER": "console,otlp", "OTEL_METRIC_EXPORT_INTERVAL": "2500"}
    )
    meter = metrics.configured_meter(configuration)
    try:
        assert [type(c.exporter) for c in meter.controllers] == [
            ConsoleMetricsExporter,
            OTLPMetricsExporter,
        ]
        assert all(c.interval == 2.5 and c.meter is meter for c in meter.controllers)
    finally:
        for controller in meter.controllers:
            controller.shutdown()  # nothing was measured: nothing is sent


def test_metrics_variables_default_and_bad_values_are_logged(caplog):
    defaults = read_configuration({})
    assert defaults.metrics_exporter == ("otlp",)
    assert defaults.metric_export_interval_millis == 60000
    bad = read_configuration(
        {"OTEL_METRIC_EXPORT_INTERVAL": "soon", "OTEL_METRICS_EXPORTER": "none"}
    )
    assert bad.metric_export_interval_millis == 60000
    assert bad.metrics_exporter == ()
    assert "OTEL_METRIC_EXPORT_INTERVAL" in caplog.text
    assert metrics.configured_meter(bad).controllers == []


@pytest.mark.parametrize("api_type", [int, metrics_api.Counter, "Meter", None])
def test_other_api_types_are_refused_with_type_error(api_type):
    expected = f"opentelemetry.sdk.metrics has no implementation of {api_type!r}"
    with pytest.raises(TypeError) as raised:
        metrics.get_opentelemetry_implementation(api_type)
    assert str(raised.value) == expected


def clear_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(("OTEL_", "OPENTELEMETRY_PYTHON")):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("api_type", [metrics_api.Meter, metrics.Meter])
def test_loader_hook_gives_a_meter_configured_by_the_environment(monkeypatch, api_type):
    clear_environment(monkeypatch)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "shop")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "console")
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "2500")
    meter = metrics.get_opentelemetry_implementation(api_type)
    try:
        assert type(meter) is metrics.Meter
        assert meter.resource.labels["service.name"] == "shop"
        assert [(type(c.exporter), c.interval) for c in meter.controllers] == [
            (ConsoleMetricsExporter, 2.5)
        ]
    finally:
        for controller in meter.controllers:
            controller.shutdown()  # nothing was measured: nothing is printed


def test_loader_hook_gives_the_no_op_meter_when_the_sdk_is_disabled(monkeypatch):
    clear_environment(monkeypatch)
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "console")
    meter = metrics.get_opentelemetry_implementation(metrics_api.Meter)
    assert type(meter) is metrics_api.DefaultMeter


def test_configured_meter_reads_the_environment_by_default(monkeypatch):
    clear_environment(monkeypatch)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-environment")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    meter = metrics.configured_meter()
    assert meter.resource.labels["service.name"] == "from-environment"
    assert meter.controllers == []


def test_configured_meter_follows_the_configuration_given_not_the_environment(monkeypatch):
    clear_environment(monkeypatch)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "from-environment")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    configuration = read_configuration(
        {"OTEL_SERVICE_NAME": "given", "OTEL_METRICS_EXPORTER": "none"}
    )
    meter = metrics.configured_meter(configuration)
    assert meter.resource.labels["service.name"] == "given"
    assert meter.disabled is False


def test_configured_meter_of_a_disabled_sdk_starts_no_controller():
    configuration = read_configuration(
        {"OTEL_SDK_DISABLED": "true", "OTEL_METRICS_EXPORTER": "console"}
    )
    meter = metrics.configured_meter(configuration)
    assert meter.disabled is True
    assert meter.controllers == []
