"""The metrics SDK: metrics that aggregate what they are given, collected for export.

::

    from opentelemetry import metrics
    from opentelemetry.sdk.metrics import Counter, Meter
    from opentelemetry.sdk.metrics.export import ConsoleMetricsExporter
    from opentelemetry.sdk.metrics.export.controller import PushController

    metrics.set_preferred_meter_implementation(lambda _: Meter())
    meter = metrics.meter()
    requests = meter.create_metric("requests", "requests served", "1", int, Counter, ("route",))
    controller = PushController(meter, ConsoleMetricsExporter(), 5)

    requests.add(1, meter.get_label_set({"route": "/home"}))

A measurement goes from a metric's handle into that handle's aggregator
(:mod:`.export.aggregate`); a collection (:meth:`Meter.collect`) moves each
aggregator's checkpoint into the meter's batcher (:mod:`.export.batcher`);
the push controller (:mod:`.export.controller`) collects every interval and
hands the batcher's records to an exporter (:mod:`.export`).

.. versionadded:: 0.3
"""

from opentelemetry.util import time_ns

from .environment_setup import configured_meter, get_opentelemetry_implementation
# v0.3 code imports these from here too.
from .export.aggregate import Aggregator  # noqa: F401
from .export.batcher import Batcher, UngroupedBatcher  # noqa: F401
from .handles import BaseHandle, CounterHandle, GaugeHandle, MeasureHandle
from .label_set import EMPTY_LABEL_SET, LabelSet
from .meter import Meter, Record
from .metric import Counter, Gauge, Measure, Metric

__all__ = [
    "BaseHandle",
    "Counter",
    "CounterHandle",
    "EMPTY_LABEL_SET",
    "Gauge",
    "GaugeHandle",
    "LabelSet",
    "Measure",
    "MeasureHandle",
    "Meter",
    "Metric",
    "Record",
    "configured_meter",
    "get_opentelemetry_implementation",
    "time_ns",
]
