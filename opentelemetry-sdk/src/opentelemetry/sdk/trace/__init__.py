"""The SDK's tracing: recording spans and the tracer source that makes them.

Select it at start-up, configured by the ``OTEL_*`` variables, with
:func:`configure_tracing`::

    configure_tracing("checkout")

or build the source yourself::

    trace.set_preferred_tracer_source_implementation(lambda T: TracerSource())

or with no code at all, from the environment
(``OPENTELEMETRY_PYTHON_IMPLEMENTATION_TRACERSOURCE=opentelemetry.sdk.trace``):
the API's loader then calls :func:`get_opentelemetry_implementation`, which
builds what the ``OTEL_*`` variables describe (see
:mod:`opentelemetry.sdk.trace.environment_setup`).
"""

# Names v0.3 offered here, for code that imports them from this module;
# they are documented where they are defined.
from opentelemetry.context import Context as Context
from opentelemetry.trace import SpanContext as SpanContext
from opentelemetry.trace.status import Status as Status
from opentelemetry.trace.status import StatusCanonicalCode as StatusCanonicalCode
from opentelemetry.util import time_ns as time_ns

from ..util import BoundedDict as BoundedDict
from ..util import BoundedList as BoundedList
from .environment_setup import (
    configure_tracing,
    configured_tracer_source,
    get_opentelemetry_implementation,
)
from .ids import generate_span_id, generate_trace_id
from .instrumentation import InstrumentationInfo
from .limits import MAX_NUM_ATTRIBUTES, MAX_NUM_EVENTS, MAX_NUM_LINKS, SpanLimits
from .span import Span
from .span_processor import MultiSpanProcessor, SpanProcessor
from .tracer import Tracer
from .tracer_source import TracerSource

__all__ = [
    "InstrumentationInfo",
    "MAX_NUM_ATTRIBUTES",
    "MAX_NUM_EVENTS",
    "MAX_NUM_LINKS",
    "MultiSpanProcessor",
    "Span",
    "SpanLimits",
    "SpanProcessor",
    "Tracer",
    "TracerSource",
    "configure_tracing",
    "configured_tracer_source",
    "generate_span_id",
    "generate_trace_id",
    "get_opentelemetry_implementation",
]
