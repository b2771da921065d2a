"""Span export: processors that hand ended spans to exporters, and exporters.

The module also offers the names v0.3 exporters import from it
(``Span``, ``DefaultSpan``, ``SpanProcessor``, ``Context``, ``time_ns``).
"""

from opentelemetry.context import Context as Context
from opentelemetry.trace import DefaultSpan as DefaultSpan
from opentelemetry.util import time_ns as time_ns

from ..span import Span as Span
from ..span_processor import SpanProcessor as SpanProcessor
from .batch_span_processor import BatchExportSpanProcessor
from .console_span_exporter import ConsoleSpanExporter
from .simple_span_processor import SimpleExportSpanProcessor
from .span_exporter import SpanExporter, SpanExportResult

__all__ = [
    "BatchExportSpanProcessor",
    "ConsoleSpanExporter",
    "SimpleExportSpanProcessor",
    "SpanExportResult",
    "SpanExporter",
]
