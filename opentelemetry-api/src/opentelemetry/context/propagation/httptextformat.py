"""The interface of formats that carry a span context in text headers."""

import abc
from typing import Callable, List, Optional, TypeVar

from opentelemetry.trace import Span, SpanContext

__all__ = ["Getter", "HTTPTextFormat", "Setter"]

_T = TypeVar("_T")

#: Reads a header from a carrier: ``getter(carrier, name)`` returns every
#: value of header ``name`` (an empty list or ``None`` when it is absent).
#: HTTP header names are case-insensitive, so the getter must look ``name``
#: up in any case.
Getter = Callable[[_T, str], Optional[List[str]]]

#: Writes a header into a carrier: ``setter(carrier, name, value)``.
Setter = Callable[[_T, str, str], None]


class HTTPTextFormat(abc.ABC):
    """Reads a span context from, and writes one to, text headers.

    A format knows nothing about the carrier (a dict, an
    :class:`http.client.HTTPMessage`, a message's properties): the caller
    passes functions that read and write its headers. ``extract`` never
    raises; for missing or malformed headers it returns
    :data:`~opentelemetry.trace.INVALID_SPAN_CONTEXT`, so the receiver starts
    a new trace.
    """

    @abc.abstractmethod
    def extract(self, get_from_carrier: Getter[_T], carrier: _T) -> SpanContext:
        """The span context the carrier's headers describe, or the invalid one."""

    @abc.abstractmethod
    def inject(self, span: Span, set_in_carrier: Setter[_T], carrier: _T) -> None:
        """Write headers describing ``span`` into the carrier.

        Nothing is written for a span whose context is invalid.
        """
