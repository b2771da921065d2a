"""OTLP/HTTP export: spans to the OpenTelemetry Collector, Jaeger, and any OTLP backend.

::

    from opentelemetry.sdk.trace.export.otlp import OTLPSpanExporter

    exporter = OTLPSpanExporter()  # http://localhost:4318/v1/traces, or the environment's
"""

from .otlp_span_exporter import OTLPSpanExporter

__all__ = ["OTLPSpanExporter"]
