"""Carry the current distributed context with the global (span context) format."""

from typing import Optional, TypeVar

from opentelemetry import distributedcontext as dctx_api
from opentelemetry.context.propagation import Getter, HTTPTextFormat, Setter
from opentelemetry.distributedcontext.propagation import HTTPTextFormat as ContextHTTPTextFormat
from opentelemetry.trace import INVALID_SPAN_CONTEXT, Span, SpanContext

__all__ = ["CurrentDistributedContextHTTPTextFormat"]

_T = TypeVar("_T")


class CurrentDistributedContextHTTPTextFormat(HTTPTextFormat):
    """Lets :func:`opentelemetry.propagators.inject` send the current distributed context.

    v0.3's global format carries span contexts only. Placed in a
    :class:`~opentelemetry.sdk.context.propagation.composite.CompositeHTTPTextFormat`
    (as ``OTEL_PROPAGATORS=tracecontext,baggage`` does), this format's
    ``inject`` writes the distributed context current in the
    ``manager`` (default: the API's
    :func:`~opentelemetry.distributedcontext.distributed_context_manager`)
    with ``context_format`` (e.g. the W3C ``baggage`` header), so
    instrumentation that only calls ``propagators.inject`` sends both.

    Its ``extract`` contributes no span context: v0.3's ``extract`` returns a
    span context and has no room for entries. A server reads them with the
    manager's own format,
    ``distributed_context_manager().http_text_format().extract(...)``, and
    makes them current with ``use_context`` (see ``docs/propagation.rst``).
    """

    def __init__(
        self,
        context_format: ContextHTTPTextFormat,
        manager: Optional[dctx_api.DistributedContextManager] = None,
    ) -> None:
        self.context_format = context_format
        self._manager = manager

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> SpanContext:
        return INVALID_SPAN_CONTEXT

    def inject(self, span: Span, set_in_carrier: Setter[_T], carrier: _T) -> None:
        manager = self._manager or dctx_api.distributed_context_manager()
        context = manager.get_current_context()
        if context is not None:
            self.context_format.inject(context, set_in_carrier, carrier)

    def __repr__(self) -> str:
        return "{}({!r})".format(type(self).__name__, self.context_format)
