"""Print metrics, for development and examples."""

from __future__ import annotations

import sys
from typing import Optional, Sequence, TextIO

from .metric_record import MetricRecord
from .metrics_exporter import MetricsExporter, MetricsExportResult

__all__ = ["ConsoleMetricsExporter"]


class ConsoleMetricsExporter(MetricsExporter):
    """Writes one line per record: the metric, its labels and its checkpoint.

    As in v0.3::

        ConsoleMetricsExporter(data="Counter(name="requests", description="requests served")",
        label_set="(('route', '/home'),)", value=25)

    (on one line). ``out`` defaults to the ``sys.stdout`` of the moment of
    each export; the stream is flushed after each export.
    """

    def __init__(self, out: Optional[TextIO] = None) -> None:
        self.out = out

    def export(self, metric_records: Sequence[MetricRecord]) -> MetricsExportResult:
        out = sys.stdout if self.out is None else self.out
        for record in metric_records:
            out.write(
                '{}(data="{}", label_set="{}", value={})\n'.format(
                    type(self).__name__,
                    record.metric,
                    getattr(record.label_set, "labels", ()),
                    record.aggregator.checkpoint,
                )
            )
        out.flush()
        return MetricsExportResult.SUCCESS
