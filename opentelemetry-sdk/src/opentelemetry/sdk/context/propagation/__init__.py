"""Propagation formats beyond the API's W3C Trace Context.

:class:`~.b3_format.B3Format` speaks Zipkin's B3 headers, and
:class:`~.composite.CompositeHTTPTextFormat` runs several formats in order;
select one with :func:`opentelemetry.propagators.set_global_httptextformat`.
"""

from .b3_format import B3Format
from .composite import CompositeHTTPTextFormat

__all__ = ["B3Format", "CompositeHTTPTextFormat"]
