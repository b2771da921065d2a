"""Tracing configured by the environment alone: the SDK's zero-code setup.

An application instrumented with the API only is traced to a backend by
setting variables, without a line of SDK code::

    OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace \\
    OTEL_SERVICE_NAME=checkout \\
    OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 \\
    python app.py

The API's loader imports :mod:`opentelemetry.sdk.trace` and calls its
:func:`get_opentelemetry_implementation` with the API type, which builds
what the ``OTEL_*`` variables describe (see
:mod:`opentelemetry.sdk.configuration`): a tracer source with the resource,
sampler and limits, a span processor per chosen exporter, and the chosen
propagators as the global format.

Code that wants the same result in one call, with the service's name,
calls :func:`configure_tracing` at start-up. Code that wants to assemble it
with some parts replaced calls :func:`configured_tracer_source` and
:func:`install_propagators`.

The exporters, formats and the distributed context API are imported when
a function needs them, not with this module: ``import opentelemetry.sdk.trace``
stays as cheap as it was.
"""

from __future__ import annotations

import logging
import os
import sys

from opentelemetry import trace as trace_api
from opentelemetry.util import loader

from ..configuration import read_configuration
from .tracer_source import TracerSource

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, List, Optional, Sequence, Type

    from opentelemetry.context.propagation import HTTPTextFormat
    from opentelemetry.distributedcontext.propagation import (
        HTTPTextFormat as ContextHTTPTextFormat,
    )
    from opentelemetry.trace import sampling

    from ..configuration import Configuration
    from ..resources import Resource
    from .export import SpanExporter
    from .limits import SpanLimits

__all__ = [
    "configure_tracing",
    "configured_http_text_format",
    "configured_tracer_source",
    "exporters_from_configuration",
    "get_opentelemetry_implementation",
    "install_propagators",
]

logger = logging.getLogger(__name__)


def exporters_from_configuration(configuration: Configuration) -> List[SpanExporter]:
    """The exporters ``OTEL_TRACES_EXPORTER`` names, built with their own defaults.

    ``otlp`` is the :class:`~opentelemetry.sdk.trace.export.otlp.OTLPSpanExporter`
    (configured by the ``OTEL_EXPORTER_OTLP_*`` variables), ``console`` the
    :class:`~opentelemetry.sdk.trace.export.ConsoleSpanExporter`.
    """
    from .export import ConsoleSpanExporter  # here: an import-time cost only setup pays

    exporters: List[SpanExporter] = []
    for name in configuration.traces_exporter:
        if name == "otlp":
            from .export.otlp import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())
        elif name == "console":
            exporters.append(ConsoleSpanExporter())
    return exporters


def configured_tracer_source(
    *,
    configuration: Optional[Configuration] = None,
    sampler: Optional[sampling.Sampler] = None,
    resource: Optional[Resource] = None,
    span_limits: Optional[SpanLimits] = None,
    exporters: Optional[Sequence[SpanExporter]] = None,
    shutdown_on_exit: bool = True,
) -> TracerSource:
    """A tracer source built as the environment says, with any part given here instead.

    ``configuration`` defaults to
    :func:`~opentelemetry.sdk.configuration.read_configuration` (the
    environment, read now). ``sampler``, ``resource`` and ``span_limits``
    are as for :class:`~opentelemetry.sdk.trace.TracerSource` (the resource
    is merged over the default one). Each exporter of ``exporters``
    (default: those ``OTEL_TRACES_EXPORTER`` names) gets its own processor:
    the console exporter a
    :class:`~opentelemetry.sdk.trace.export.SimpleExportSpanProcessor`, so
    spans print as they end; any other a
    :class:`~opentelemetry.sdk.trace.export.BatchExportSpanProcessor` with
    the ``OTEL_BSP_*`` settings. With ``OTEL_SDK_DISABLED=true`` the source
    is the disabled no-op and gets no processors.

    The global propagation format is not changed: call
    :func:`install_propagators` for that. Never raises for bad
    configuration; what cannot be used is logged.
    """
    from .export import BatchExportSpanProcessor, ConsoleSpanExporter, SimpleExportSpanProcessor

    if configuration is None:
        configuration = read_configuration()
    source = TracerSource(
        sampler=sampler,
        shutdown_on_exit=shutdown_on_exit,
        resource=resource,
        span_limits=span_limits,
        configuration=configuration,
    )
    if source.disabled:
        return source
    if exporters is None:
        exporters = exporters_from_configuration(configuration)
    for exporter in exporters:
        if isinstance(exporter, ConsoleSpanExporter):
            source.add_span_processor(SimpleExportSpanProcessor(exporter))
        else:
            source.add_span_processor(
                BatchExportSpanProcessor(
                    exporter,
                    max_queue_size=configuration.bsp_max_queue_size,
                    schedule_delay_millis=configuration.bsp_schedule_delay_millis,
                    max_export_batch_size=configuration.bsp_max_export_batch_size,
                    export_timeout_millis=configuration.bsp_export_timeout_millis,
                )
            )
    return source


def _context_format(configuration: Configuration) -> Optional[ContextHTTPTextFormat]:
    """The distributed context format ``OTEL_PROPAGATORS`` names, if any."""
    if "baggage" not in configuration.propagators:
        return None
    from ..distributedcontext import BaggageHTTPTextFormat

    return BaggageHTTPTextFormat()


def configured_http_text_format(configuration: Optional[Configuration] = None) -> HTTPTextFormat:
    """The global format ``OTEL_PROPAGATORS`` names: one format, or a composite of several.

    ``tracecontext`` is W3C Trace Context, ``b3`` B3's single header,
    ``b3multi`` its ``X-B3-*`` headers, ``baggage`` the W3C ``baggage``
    header of the current distributed context (written on inject; see
    :class:`~opentelemetry.sdk.distributedcontext.CurrentDistributedContextHTTPTextFormat`).
    ``none`` gives a format that carries nothing.
    """
    from opentelemetry.context.propagation.tracecontexthttptextformat import (
        TraceContextHTTPTextFormat,
    )

    from ..context.propagation import B3Format, CompositeHTTPTextFormat
    from ..distributedcontext import (
        BaggageHTTPTextFormat,
        CurrentDistributedContextHTTPTextFormat,
    )

    if configuration is None:
        configuration = read_configuration()
    formats: List[HTTPTextFormat] = []
    for name in configuration.propagators:
        if name == "tracecontext":
            formats.append(TraceContextHTTPTextFormat())
        elif name == "b3":
            formats.append(B3Format(single_header=True))
        elif name == "b3multi":
            formats.append(B3Format())
        elif name == "baggage":
            formats.append(CurrentDistributedContextHTTPTextFormat(BaggageHTTPTextFormat()))
    if len(formats) == 1:
        return formats[0]
    return CompositeHTTPTextFormat(formats)


def install_propagators(configuration: Optional[Configuration] = None) -> None:
    """Make the propagators ``OTEL_PROPAGATORS`` names the process's formats.

    The global format (:func:`opentelemetry.propagators.set_global_httptextformat`)
    becomes :func:`configured_http_text_format`. With ``baggage`` named, the
    SDK's distributed context manager, with the W3C ``baggage`` header as its
    format, becomes the preferred distributed context manager, unless one is
    already in use (then this is logged and the manager kept).
    """
    from opentelemetry import distributedcontext as dctx_api
    from opentelemetry import metrics as metrics_api
    from opentelemetry import propagators

    from ..distributedcontext import DistributedContextManager

    if configuration is None:
        configuration = read_configuration()
    propagators.set_global_httptextformat(configured_http_text_format(configuration))
    context_format = _context_format(configuration)
    if context_format is None:
        return
    try:
        dctx_api.set_preferred_distributed_context_manager_implementation(
            lambda api_type: DistributedContextManager(http_text_format=context_format)
        )
    except RuntimeError:
        logger.warning(
            "The distributed context manager is already in use; OTEL_PROPAGATORS=baggage "
            "does not change its format"
        )


def get_opentelemetry_implementation(api_type: Type[Any]) -> Any:
    """The implementation of ``api_type`` the environment describes: the v0.3 loader's hook.

    For :class:`opentelemetry.trace.TracerSource`: the propagators are
    installed (:func:`install_propagators`) and
    :func:`configured_tracer_source` returned; with ``OTEL_SDK_DISABLED=true``
    the API's no-op source, and nothing installed. For
    :class:`opentelemetry.distributedcontext.DistributedContextManager`: the
    SDK's manager, with the ``baggage`` format when ``OTEL_PROPAGATORS``
    names it. For :class:`opentelemetry.metrics.Meter`: the meter of
    :func:`opentelemetry.sdk.metrics.configured_meter`. Any other type raises :exc:`TypeError`, which the loader logs
    before it falls back to the no-op.
    """
    from opentelemetry import distributedcontext as dctx_api
    from opentelemetry import metrics as metrics_api

    configuration = read_configuration()
    if isinstance(api_type, type) and issubclass(api_type, trace_api.TracerSource):
        if configuration.sdk_disabled:
            return trace_api.DefaultTracerSource()
        install_propagators(configuration)
        return configured_tracer_source(configuration=configuration)
    if isinstance(api_type, type) and issubclass(api_type, dctx_api.DistributedContextManager):
        from ..distributedcontext import DistributedContextManager

        if configuration.sdk_disabled:
            return dctx_api.DistributedContextManager()
        return DistributedContextManager(http_text_format=_context_format(configuration))
    if isinstance(api_type, type) and issubclass(api_type, metrics_api.Meter):
        from ..metrics import environment_setup as metrics_setup

        return metrics_setup.get_opentelemetry_implementation(api_type)
    raise TypeError("opentelemetry.sdk has no implementation of {!r}".format(api_type))


#: The source the last configure_tracing() call made the process's.
_configured_source: Optional[TracerSource] = None


def configure_tracing(
    service_name: Optional[str] = None,
    *,
    sampler: Optional[sampling.Sampler] = None,
    resource: Optional[Resource] = None,
    span_limits: Optional[SpanLimits] = None,
    exporters: Optional[Sequence[SpanExporter]] = None,
    flush_on_sigterm: bool = False,
) -> trace_api.TracerSource:
    """Trace this process as the environment says: the one call a program makes at start-up.

    ::

        from opentelemetry.sdk.trace import configure_tracing

        configure_tracing("checkout")

    Builds :func:`configured_tracer_source` (the sampler, limits and
    exporters of the ``OTEL_*`` variables, by default a batch processor with
    the OTLP exporter), installs the propagators (:func:`install_propagators`)
    and makes the source the process's tracer source, so every tracer,
    including those libraries took at import time, records into it.
    ``service_name`` names the service unless the environment does
    (``OTEL_SERVICE_NAME``, or ``service.name`` in ``OTEL_RESOURCE_ATTRIBUTES``),
    so operators can rename a deployment without a code change. The keywords
    replace what the environment would choose, as for
    :func:`configured_tracer_source`. With ``flush_on_sigterm`` the spans
    still queued are exported when the process gets ``SIGTERM`` too
    (:func:`~opentelemetry.sdk.trace.sigterm.flush_on_sigterm`; call this
    from the main thread, after installing any ``SIGTERM`` handler of your own).

    A second call before the first span replaces the first one's source
    (shut down, with a warning). Returns the tracer source in use: the new
    one, unless the process's source was already in use (a span started, or
    :func:`opentelemetry.trace.tracer_source` called). That mistake is
    logged, the new source discarded, and the one in use returned.
    ``OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE`` wins over this call,
    as over every preference; a warning says so.
    """
    from ..resources import SERVICE_NAME, Resource

    configuration = read_configuration()
    if service_name and configuration.service_name is None:
        if not configuration.resource_attributes.get(SERVICE_NAME):
            named = Resource({SERVICE_NAME: service_name})
            resource = named if resource is None else resource.merge(named)
    source = configured_tracer_source(
        configuration=configuration,
        sampler=sampler,
        resource=resource,
        span_limits=span_limits,
        exporters=exporters,
    )
    try:
        trace_api.set_preferred_tracer_source_implementation(lambda api_type: source)
    except RuntimeError:
        logger.error(
            "configure_tracing() came after the tracer source was in use, so it changes "
            "nothing: call it at start-up, before the first span"
        )
        source.shutdown()
        return trace_api.tracer_source()
    global _configured_source  # pylint: disable=global-statement
    replaced, _configured_source = _configured_source, source
    if replaced is not None:
        logger.warning("configure_tracing() called again: the earlier configuration is replaced")
        replaced.shutdown()
    if not configuration.sdk_disabled:
        install_propagators(configuration)
        if flush_on_sigterm:
            from . import sigterm  # here: only programs that ask pay for the import

            sigterm.flush_on_sigterm(source)
    if not sys.flags.ignore_environment and any(
        os.environ.get(loader.ENV_PREFIX + suffix, "").strip()
        for suffix in ("TRACERSOURCE", "DEFAULT")
    ):
        logger.warning(
            "%sTRACERSOURCE or %sDEFAULT is set and wins over configure_tracing()",
            loader.ENV_PREFIX,
            loader.ENV_PREFIX,
        )
    return source
