"""The SDK's tracing: recording spans and the tracer source that makes them.

Select it at start-up::

    trace.set_preferred_tracer_source_implementation(lambda T: TracerSource())
"""

from .ids import generate_span_id, generate_trace_id
from .instrumentation import InstrumentationInfo
from .limits import SpanLimits
from .span import Span
from .span_processor import MultiSpanProcessor, SpanProcessor
from .tracer import Tracer
from .tracer_source import TracerSource

__all__ = [
    "InstrumentationInfo",
    "MultiSpanProcessor",
    "Span",
    "SpanLimits",
    "SpanProcessor",
    "Tracer",
    "TracerSource",
    "generate_span_id",
    "generate_trace_id",
]
