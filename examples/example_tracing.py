"""Tracing set-up shared by the HTTP example pair.

Spans are printed as they end. When ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set, they also go, in batches, to
that OpenTelemetry Collector or other OTLP/HTTP backend, under the given
service name; every ``OTEL_EXPORTER_OTLP_*`` variable applies (see
``docs/otlp.rst``).
"""

import os
import signal
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import (
    BatchExportSpanProcessor,
    ConsoleSpanExporter,
    SimpleExportSpanProcessor,
)
from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter

_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")


def configure_tracing(service_name):
    """Select the SDK for this process and return a tracer for ``service_name``."""
    source = TracerSource(resource=Resource({"service.name": service_name}))
    trace.set_preferred_tracer_source_implementation(lambda T: source)
    source.add_span_processor(SimpleExportSpanProcessor(ConsoleSpanExporter()))
    if any(os.environ.get(name) for name in _ENDPOINT_VARIABLES):
        source.add_span_processor(BatchExportSpanProcessor(OTLPSpanExporter()))
    # Exit normally on SIGTERM too, so the batch still queued is flushed at exit.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    return trace.get_tracer(service_name)
