"""Fixtures shared by the SDK tests: a tracer whose ended spans land in memory."""

import pytest

from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


@pytest.fixture
def exporter():
    return InMemorySpanExporter()


@pytest.fixture
def source(exporter):
    source = TracerSource(shutdown_on_exit=False)
    source.add_span_processor(SimpleExportSpanProcessor(exporter))
    return source


@pytest.fixture
def tracer(source):
    return source.get_tracer("tests", "1.0")
