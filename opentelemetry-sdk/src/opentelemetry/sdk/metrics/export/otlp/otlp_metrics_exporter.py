"""Send metrics to any OTLP/HTTP backend, with the standard library alone."""

import os
from typing import Mapping, Optional, Sequence

from ....trace.export.otlp._environment import resolve_settings
from ....trace.export.otlp._otlp_client import OTLPClient, encodings
from ..metric_record import MetricRecord
from ..metrics_exporter import MetricsExporter, MetricsExportResult
from . import _json_encoding, _protobuf_encoding

__all__ = ["OTLPMetricsExporter"]

_ENCODINGS = encodings(_protobuf_encoding, _json_encoding)


class OTLPMetricsExporter(MetricsExporter):
    """An exporter that POSTs metrics to an OTLP/HTTP endpoint: a Collector, Prometheus, Mimir...

    Each export is one ``ExportMetricsServiceRequest`` to ``<endpoint>/v1/metrics``,
    in binary protobuf or OTLP/JSON, over the same connection handling as
    :class:`~opentelemetry.sdk.trace.export.otlp.OTLPSpanExporter`: the same
    arguments, the same retries of 429, 502, 503, 504 and network errors
    within ``timeout``, the same TLS options. Each setting comes from the
    argument, else ``OTEL_EXPORTER_OTLP_METRICS_<SETTING>``, else
    ``OTEL_EXPORTER_OTLP_<SETTING>``, else the default
    (``http://localhost:4318``, no headers, 10 s, no compression, protobuf).
    ``OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`` is used as given, path included;
    the other endpoints get ``/v1/metrics`` appended.

    Mapping. A counter becomes a ``Sum``, monotonic if the counter is,
    cumulative when the meter's batcher is stateful and delta when not; a
    gauge becomes a ``Gauge`` whose point has the time the value was set; a
    measure becomes a ``Histogram`` with count, sum, minimum and maximum,
    and bucket counts when the batcher was given ``measure_boundaries``. A
    record's labels are its point's attributes; its meter's resource (the
    default resource: ``service.name`` and the ``OTEL_RESOURCE_ATTRIBUTES``)
    is the resource. A gauge never set has no point.

    .. versionadded:: 0.3
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        timeout: Optional[float] = None,
        compression: Optional[str] = None,
        encoding: Optional[str] = None,
        certificate_file: Optional[str] = None,
        client_certificate_file: Optional[str] = None,
        client_key_file: Optional[str] = None,
    ) -> None:
        settings = resolve_settings(
            os.environ,
            endpoint=endpoint,
            headers=headers,
            timeout=timeout,
            compression=compression,
            encoding=encoding,
            certificate_file=certificate_file,
            client_certificate_file=client_certificate_file,
            client_key_file=client_key_file,
            signal="METRICS",
        )
        self._client = OTLPClient(settings, _ENCODINGS, "data points")
        self._shut_down = False

    def export(self, metric_records: Sequence[MetricRecord]) -> MetricsExportResult:
        """Send ``metric_records`` in one request; failures map to results as for spans."""
        if self._shut_down:
            return MetricsExportResult.FAILED_NOT_RETRYABLE
        if not metric_records:
            return MetricsExportResult.SUCCESS
        result = self._client.send(metric_records, len(metric_records))
        return MetricsExportResult[result.name]

    def shutdown(self) -> None:
        """Close the connection; exports fail at once from now on."""
        self._shut_down = True
        self._client.close()

    def __repr__(self) -> str:
        return "OTLPMetricsExporter(url={!r}, encoding={!r})".format(
            self._client.url, self._client.encoding_name
        )
