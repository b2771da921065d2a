"""The SDK tracer source: configuration shared by all its tracers."""

from __future__ import annotations

import atexit
import functools
import logging
import threading
import weakref

from opentelemetry import trace as trace_api
from opentelemetry.context import Context
from opentelemetry.trace import sampling

from ..configuration import read_configuration
from ..resources import Resource, get_default_resource
from .instrumentation import InstrumentationInfo
from .limits import SpanLimits
from .sampling import sampler_from_configuration
from .span_processor import MultiSpanProcessor, SpanProcessor
from .tracer import Tracer

# typing is imported for the type checker only: it is slow to import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Optional

    from ..configuration import Configuration

__all__ = ["TracerSource"]

logger = logging.getLogger(__name__)


_NOOP_TRACER = trace_api.DefaultTracer()


def _refused_sampler_message(sampler: object) -> str:
    """The one line that says why ``sampler`` is refused and what to write instead."""
    if isinstance(sampler, type) and issubclass(sampler, trace_api.TracerSource):
        # The loader calls a factory with the API type: naming this class as
        # the factory makes the API class arrive here as the sampler.
        return (
            "TracerSource was given the class {} as its sampler, so it was named as the "
            "implementation factory; the default sampler is used. Name the module instead "
            "(OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace) "
            "or give a factory: lambda api_type: TracerSource()".format(sampler.__name__)
        )
    return (
        "TracerSource(sampler={!r}) is not a Sampler; the default sampler is used. "
        "Give an instance, e.g. opentelemetry.trace.sampling.ALWAYS_ON or "
        "opentelemetry.sdk.trace.sampling.TraceIdRatioSampler(0.1)".format(sampler)
    )


def _is_sampler(sampler: object) -> bool:
    """Whether ``sampler`` can decide: a Sampler, or any instance with ``should_sample``."""
    if isinstance(sampler, sampling.Sampler):
        return True
    # Duck-typed samplers worked in v0.3; a class (not yet instantiated) does not.
    return not isinstance(sampler, type) and callable(getattr(sampler, "should_sample", None))


def _shutdown_at_exit(source_ref: "weakref.ref[TracerSource]") -> None:
    source = source_ref()
    if source is not None:
        source.shutdown()


class TracerSource(trace_api.TracerSource):
    """Hands out SDK tracers that share its sampler, resource, limits and processors.

    What is not given comes from the environment, read once here (see
    :mod:`opentelemetry.sdk.configuration`, or pass ``configuration``):

    - ``sampler``: ``OTEL_TRACES_SAMPLER``, by default
      :data:`~opentelemetry.trace.sampling.ALWAYS_ON` (sample every span, as
      v0.3 did, whatever the parent's flags say).
    - ``resource``: always merged over
      :func:`~opentelemetry.sdk.resources.get_default_resource` (the
      service's name, the SDK's labels, ``OTEL_RESOURCE_ATTRIBUTES``); the
      labels given here win.
    - ``span_limits``: the ``OTEL_SPAN_*_COUNT_LIMIT`` and
      ``OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`` variables.

    With ``OTEL_SDK_DISABLED=true`` every tracer is the API's no-op
    :class:`~opentelemetry.trace.DefaultTracer`: nothing is recorded,
    processed or exported, and spans cost what they cost without an SDK.
    With ``shutdown_on_exit`` the processors are shut down (and so flushed)
    when the interpreter exits.
    """

    def __init__(
        self,
        sampler: Optional[sampling.Sampler] = None,
        shutdown_on_exit: bool = True,
        resource: Optional[Resource] = None,
        span_limits: Optional[SpanLimits] = None,
        configuration: Optional[Configuration] = None,
    ) -> None:
        if configuration is None:
            configuration = read_configuration()
        #: Whether ``OTEL_SDK_DISABLED`` turned this source into the API's no-op.
        self.disabled = configuration.sdk_disabled
        if sampler is not None and not _is_sampler(sampler):
            logger.error("%s", _refused_sampler_message(sampler))
            sampler = None
        self.sampler = sampler_from_configuration(configuration) if sampler is None else sampler
        default_resource = get_default_resource(configuration)
        self.resource = default_resource if resource is None else resource.merge(default_resource)
        self.span_limits = (
            SpanLimits.from_configuration(configuration) if span_limits is None else span_limits
        )
        self._current_span_slot = Context.register_slot("current_span")
        self._current_span_var = self._current_span_slot.contextvar
        # Every span reports to this chain, looked at when it starts and ends.
        self._active_span_processor = MultiSpanProcessor()
        self._shutdown_lock = threading.Lock()
        self._is_shut_down = False
        self._atexit_handler: Optional[Callable[[], None]] = None
        if shutdown_on_exit and not self.disabled:
            # A weak reference, so registering does not keep the source alive.
            self._atexit_handler = functools.partial(_shutdown_at_exit, weakref.ref(self))
            atexit.register(self._atexit_handler)

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str = "",
    ) -> trace_api.Tracer:
        if self.disabled:
            return _NOOP_TRACER
        if not instrumenting_module_name or type(instrumenting_module_name) is not str:
            logger.error("get_tracer called with missing module name %r", instrumenting_module_name)
            instrumenting_module_name = "ERROR:MISSING MODULE NAME"
        if type(instrumenting_library_version) is not str:
            logger.warning("Library version %r is not a str; ignored", instrumenting_library_version)
            instrumenting_library_version = ""
        return Tracer(
            self, InstrumentationInfo(instrumenting_module_name, instrumenting_library_version)
        )

    def get_current_span(self) -> Optional[trace_api.Span]:
        """The span current in this thread or task, or ``None``."""
        return self._current_span_var.get()  # type: ignore[no-any-return]

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        """Add a processor: spans that end from now on reach it, even those already open.

        A processor is any object with the :class:`SpanProcessor` methods;
        one without ``on_start`` and ``on_end`` is refused with a warning.
        """
        with self._shutdown_lock:
            self._active_span_processor.add_span_processor(span_processor)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        """Flush every processor; whether all finished within the timeout."""
        return self._active_span_processor.force_flush(timeout_millis)

    def shutdown(self) -> None:
        """Shut every processor down (flushing what they hold).

        Only the first call does so; later calls, from any thread, wait for
        it to finish and return.
        """
        with self._shutdown_lock:
            if self._is_shut_down:
                return
            self._is_shut_down = True
            if self._atexit_handler is not None:
                atexit.unregister(self._atexit_handler)
                self._atexit_handler = None
            self._active_span_processor.shutdown()
