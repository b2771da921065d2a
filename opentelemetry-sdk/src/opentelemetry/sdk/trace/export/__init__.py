"""Span export: processors that hand ended spans to exporters, and exporters."""

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
