"""A format that runs several formats in order: what ``OTEL_PROPAGATORS`` builds."""

import logging
from typing import Sequence, TypeVar

from opentelemetry.context.propagation import Getter, HTTPTextFormat, Setter
from opentelemetry.trace import INVALID_SPAN_CONTEXT, Span, SpanContext
from opentelemetry.util._error_handler import report_exception

__all__ = ["CompositeHTTPTextFormat"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


class CompositeHTTPTextFormat(HTTPTextFormat):
    """Injects with every format in order, and extracts with each in order.

    For example W3C Trace Context and B3 together, to talk to services that
    speak either::

        propagators.set_global_httptextformat(
            CompositeHTTPTextFormat([TraceContextHTTPTextFormat(), B3Format()])
        )

    ``extract`` returns the valid span context of the last format that found
    one, as the OpenTelemetry specification's composite propagator lets
    each propagator in turn overwrite what the earlier ones extracted; the
    invalid context when none did. A format that raises is logged and
    skipped, so the others still run. Anything in ``formats`` that is not
    an :class:`~opentelemetry.context.propagation.HTTPTextFormat` is logged
    and left out.
    """

    def __init__(self, formats: Sequence[HTTPTextFormat]) -> None:
        kept = []
        for http_text_format in formats:
            if isinstance(http_text_format, HTTPTextFormat):
                kept.append(http_text_format)
            else:
                logger.warning("Left %r out of a composite format: not an HTTPTextFormat", http_text_format)
        #: The formats, in the order they run.
        self.formats = tuple(kept)

    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> SpanContext:
        found = INVALID_SPAN_CONTEXT
        for http_text_format in self.formats:
            try:
                context = http_text_format.extract(get_from_carrier, carrier)
            except Exception:  # one broken format must not stop the others
                report_exception(
                    logger, "%r failed to extract", http_text_format, level=logging.WARNING
                )
                continue
            if isinstance(context, SpanContext) and context.is_valid():
                found = context
        return found

    def inject(self, span: Span, set_in_carrier: Setter[_T], carrier: _T) -> None:
        for http_text_format in self.formats:
            try:
                http_text_format.inject(span, set_in_carrier, carrier)
            except Exception:  # one broken format must not stop the others
                report_exception(
                    logger, "%r failed to inject", http_text_format, level=logging.WARNING
                )

    def __repr__(self) -> str:
        return "{}({!r})".format(type(self).__name__, list(self.formats))
