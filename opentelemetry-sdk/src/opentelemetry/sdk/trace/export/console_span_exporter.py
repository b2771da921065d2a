"""Print spans, for development and the quick start."""

import sys
from typing import Callable, Optional, Sequence, TextIO

from ..span import Span
from .span_exporter import SpanExporter, SpanExportResult

__all__ = ["ConsoleSpanExporter"]


def _default_formatter(span: Span) -> str:
    return str(span) + "\n"


class ConsoleSpanExporter(SpanExporter):
    """Writes each span to a stream, by default ``str(span)`` and a line break.

    ``out`` defaults to the ``sys.stdout`` of the moment the exporter is made.
    The stream is flushed after each export so spans show up as they end.
    """

    def __init__(
        self,
        out: Optional[TextIO] = None,
        formatter: Callable[[Span], str] = _default_formatter,
    ) -> None:
        self.out = sys.stdout if out is None else out
        self.formatter = formatter

    def export(self, spans: Sequence[Span]) -> SpanExportResult:
        for span in spans:
            self.out.write(self.formatter(span))
        self.out.flush()
        return SpanExportResult.SUCCESS
