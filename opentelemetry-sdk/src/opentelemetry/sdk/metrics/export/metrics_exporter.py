"""The metrics exporter interface: where aggregated metrics leave the process."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .metric_record import MetricRecord

__all__ = ["MetricsExportResult", "MetricsExporter"]


class MetricsExportResult(enum.Enum):
    """The outcome of one export call."""

    #: The records were delivered.
    SUCCESS = 0
    #: Delivery failed; trying the same records again may succeed.
    FAILED_RETRYABLE = 1
    #: Delivery failed and would fail again; the records are lost.
    FAILED_NOT_RETRYABLE = 2


class MetricsExporter:
    """Sends the records of a collection to a backend, a stream or memory.

    The :class:`~opentelemetry.sdk.metrics.export.controller.PushController`
    never calls ``export`` of one exporter from two threads at once.
    """

    def export(self, metric_records: Sequence[MetricRecord]) -> MetricsExportResult:
        """Deliver ``metric_records``."""
        raise NotImplementedError

    def shutdown(self) -> None:
        """Release resources; ``export`` may fail after this. Nothing to release here."""
