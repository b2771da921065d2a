"""Metrics configured by the environment alone: the meter the v0.3 loader can name.

``OPENTELEMETRY_PYTHON_IMPLEMENTATION_METER=opentelemetry.sdk.metrics`` makes
:func:`opentelemetry.metrics.meter` return :func:`configured_meter`'s meter:
the default resource, and a push controller for each exporter
``OTEL_METRICS_EXPORTER`` names, every ``OTEL_METRIC_EXPORT_INTERVAL``
milliseconds (see ``docs/configuration.rst``).
"""

from __future__ import annotations

from typing import Any, List, Optional, Type

from opentelemetry import metrics as metrics_api

from ..configuration import Configuration, read_configuration
from .export import ConsoleMetricsExporter, MetricsExporter
from .export.controller import PushController
from .meter import Meter

__all__ = ["configured_meter", "get_opentelemetry_implementation"]


def _exporter(name: str) -> MetricsExporter:
    if name == "console":
        return ConsoleMetricsExporter()
    from .export.otlp import OTLPMetricsExporter  # only when chosen: it loads the OTLP stack

    return OTLPMetricsExporter()


def configured_meter(configuration: Optional[Configuration] = None) -> Meter:
    """A meter pushed to the environment's exporters every interval, and at exit.

    ``configuration`` defaults to
    :func:`~opentelemetry.sdk.configuration.read_configuration`. Each
    exporter gets its own :class:`PushController` (the meter's batcher is
    cumulative, so each sees every total); they are in :attr:`Meter.controllers`.
    """
    if configuration is None:
        configuration = read_configuration()
    meter = Meter(configuration=configuration)
    controllers: List[PushController] = []
    if not meter.disabled:
        interval = configuration.metric_export_interval_millis / 1000.0
        for name in configuration.metrics_exporter:
            controllers.append(PushController(meter, _exporter(name), interval))
    meter.controllers = controllers
    return meter


def get_opentelemetry_implementation(api_type: Type[Any]) -> Any:
    """The v0.3 loader's hook: for :class:`opentelemetry.metrics.Meter`, :func:`configured_meter`.

    With ``OTEL_SDK_DISABLED=true``: the API's no-op meter. Any other type
    raises :exc:`TypeError`, which the loader logs before it uses the no-op.
    """
    if isinstance(api_type, type) and issubclass(api_type, metrics_api.Meter):
        meter = configured_meter()  # disabled, it started no controller
        return metrics_api.DefaultMeter() if meter.disabled else meter
    raise TypeError("opentelemetry.sdk.metrics has no implementation of {!r}".format(api_type))
