"""An HTTP client call in a CLIENT span, its trace context sent in the request's headers.

Use ``traced_urlopen`` where you would call :func:`urllib.request.urlopen`.
"""

import urllib.error
import urllib.parse
import urllib.request

from opentelemetry import propagators, trace
from opentelemetry.trace.status import Status, StatusCanonicalCode

_tracer = trace.get_tracer(__name__)


def traced_urlopen(request, timeout=10.0, tracer=None):
    """``urllib.request.urlopen(request)`` in a CLIENT span.

    ``request`` is a URL or a Request. The caller reads and closes the
    response, as with ``urlopen``.
    ``tracer`` defaults to this module's.
    """
    tracer = tracer or _tracer
    if not isinstance(request, urllib.request.Request):
        request = urllib.request.Request(request)
    method = request.get_method()
    path = urllib.parse.urlsplit(request.full_url).path or "/"
    with tracer.start_as_current_span(
        method + " " + path,
        kind=trace.SpanKind.CLIENT,
        attributes={"http.method": method, "http.url": request.full_url},
    ) as span:
        # Request.add_header(request, name, value) is the setter inject calls.
        propagators.inject(tracer, urllib.request.Request.add_header, request)
        try:
            response = urllib.request.urlopen(request, timeout=timeout)
        except urllib.error.HTTPError as error:  # 4xx or 5xx: the call failed
            span.set_attribute("http.status_code", error.code)
            status = "HTTP {}".format(error.code)
            span.set_status(Status(StatusCanonicalCode.UNKNOWN, status))
            raise
        span.set_attribute("http.status_code", response.status)
        return response
