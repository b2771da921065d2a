"""A sampler of the wrong type is refused when the TracerSource is built, in one clear line."""

import logging
import os
import subprocess
import sys

import pytest

from opentelemetry import trace as trace_api
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.trace import sampling


def test_the_api_class_as_sampler_says_to_name_the_module(caplog):
    with caplog.at_level(logging.ERROR):
        source = TracerSource(trace_api.TracerSource, shutdown_on_exit=False)
    (record,) = caplog.records
    message = record.getMessage()
    assert "OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace" in message
    assert "lambda api_type: TracerSource()" in message
    assert isinstance(source.sampler, sampling.Sampler)
    assert source.get_tracer(__name__).start_span("s").is_recording_events()


@pytest.mark.parametrize("sampler", ["always_on", 0.5, sampling.ProbabilitySampler])
def test_a_sampler_that_is_not_one_is_refused_and_the_default_used(sampler, caplog):
    with caplog.at_level(logging.ERROR):
        source = TracerSource(sampler, shutdown_on_exit=False)
    (record,) = caplog.records
    assert "is not a Sampler" in record.getMessage()
    assert "ALWAYS_ON" in record.getMessage()
    assert isinstance(source.sampler, sampling.Sampler)


def test_a_duck_typed_sampler_is_accepted(caplog):
    class Never:
        def should_sample(self, *args):
            return sampling.Decision(False)

    never = Never()
    source = TracerSource(never, shutdown_on_exit=False)
    assert source.sampler is never
    assert not source.get_tracer(__name__).start_span("s").is_recording_events()
    assert caplog.records == []


def test_naming_the_class_in_the_environment_records_and_logs_one_line():
    program = (
        "from opentelemetry import trace\n"
        "from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor\n"
        "from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter\n"
        "exporter = InMemorySpanExporter()\n"
        "trace.tracer_source().add_span_processor(SimpleExportSpanProcessor(exporter))\n"
        "with trace.get_tracer('app').start_as_current_span('request'):\n"
        "    pass\n"
        "print(len(exporter.get_finished_spans()))\n"
    )
    env = dict(
        os.environ,
        OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE="opentelemetry.sdk.trace:TracerSource",
    )
    env.pop("OPENTELEMETRY_PYTHON_IMPLEMENTATION_DEFAULT", None)
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout == "1\n", result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "opentelemetry.sdk.trace" in lines[0]
