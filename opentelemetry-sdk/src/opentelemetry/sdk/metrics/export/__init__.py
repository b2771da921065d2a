"""Metrics export: what a collection produces, and the exporters that send it.

The pipeline: a :class:`~opentelemetry.sdk.metrics.Meter` collects each
handle's aggregator into its :mod:`batcher <.batcher>`; the
:class:`~.controller.PushController` does that every interval and hands the
batcher's :class:`MetricRecord`\\ s to a :class:`MetricsExporter`.
"""

from .console_metrics_exporter import ConsoleMetricsExporter
from .metric_record import MetricRecord
from .metrics_exporter import MetricsExporter, MetricsExportResult

__all__ = ["ConsoleMetricsExporter", "MetricRecord", "MetricsExportResult", "MetricsExporter"]
