"""Metrics configured by the environment alone, through the v0.3 loader."""

import os
import subprocess
import sys
import textwrap

import pytest

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


def test_other_api_types_are_refused_with_type_error():
    with pytest.raises(TypeError):
        metrics.get_opentelemetry_implementation(int)
