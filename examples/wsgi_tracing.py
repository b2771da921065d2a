"""WSGI middleware: a SERVER span per request, continuing the caller's trace.

Wrap any WSGI application (Flask: ``app.wsgi_app = TracingMiddleware(app.wsgi_app)``).
"""

from opentelemetry import propagators, trace
from opentelemetry.trace.status import Status, StatusCanonicalCode


def _header(environ, name):
    """The request header ``name``, as WSGI stores it (``traceparent`` -> ``HTTP_TRACEPARENT``)."""
    value = environ.get("HTTP_" + name.upper().replace("-", "_"))
    return [] if value is None else [value]


class TracingMiddleware:
    """Wraps a WSGI application; ``tracer`` defaults to this module's."""

    def __init__(self, app, tracer=None):
        self.app = app
        self.tracer = tracer or trace.get_tracer(__name__)

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO") or "/"
        span = self.tracer.start_span(
            method + " " + path,
            parent=propagators.extract(_header, environ),
            kind=trace.SpanKind.SERVER,
            attributes={"http.method": method, "http.target": path},
        )

        def traced_start_response(status, headers, exc_info=None):
            code = int(status.split(" ", 1)[0])
            span.set_attribute("http.status_code", code)
            # 5xx: the server failed; a 4xx is the client's error, not ours
            if code >= 500:
                span.set_status(Status(StatusCanonicalCode.INTERNAL, status))
            return start_response(status, headers, exc_info)

        try:
            # the span is current while the application runs
            with self.tracer.use_span(span):
                body = self.app(environ, traced_start_response)
        except Exception:
            # The span records the exception as at the end of any ``with``
            # block, and ends.
            with self.tracer.use_span(span, end_on_exit=True):
                raise
        return _SpanEndingBody(body, span)


class _SpanEndingBody:
    """The response body; the span ends when the server closes it, after the last byte."""

    def __init__(self, body, span):
        self.body, self.span = body, span

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self.span.end()
