"""OTLP/HTTP export of metrics, beside the span exporter and sharing its transport.

::

    from opentelemetry.sdk.metrics.export.otlp import OTLPMetricsExporter

    exporter = OTLPMetricsExporter()  # http://localhost:4318/v1/metrics, or the environment's
"""

from .otlp_metrics_exporter import OTLPMetricsExporter

__all__ = ["OTLPMetricsExporter"]
