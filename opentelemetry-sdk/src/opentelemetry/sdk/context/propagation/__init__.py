"""Propagation formats beyond the API's W3C Trace Context.

:class:`~.b3_format.B3Format` speaks Zipkin's B3 headers; select it with
:func:`opentelemetry.propagators.set_global_httptextformat`.
"""

from .b3_format import B3Format

__all__ = ["B3Format"]
