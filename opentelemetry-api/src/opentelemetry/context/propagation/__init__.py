"""Propagation: carrying a span context across process boundaries.

A format writes the context of the current span into an outgoing request
(``inject``) and reads the caller's context from an incoming one
(``extract``). :class:`~.tracecontexthttptextformat.TraceContextHTTPTextFormat`
is the W3C Trace Context format; :mod:`opentelemetry.propagators` holds the
format the process uses.
"""

from .binaryformat import BinaryFormat
from .httptextformat import Getter, HTTPTextFormat, Setter

__all__ = ["BinaryFormat", "Getter", "HTTPTextFormat", "Setter"]
