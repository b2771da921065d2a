"""An HTTP client that sends its trace context with the request.

Standard library only; see ``http_server.py`` for how to run the pair::

    python examples/http_client.py http://127.0.0.1:8000/

It prints the server's answer, then its own span, whose ids the server's
span carries as its parent.
"""

import sys
import urllib.request

from opentelemetry import propagators, trace
from example_tracing import configure_tracing

tracer = configure_tracing("example-http-client")


def set_header(request, name, value):
    request.add_header(name, value)


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000/"
    with tracer.start_as_current_span("GET " + url, kind=trace.SpanKind.CLIENT) as span:
        request = urllib.request.Request(url)
        propagators.inject(tracer, set_header, request)
        with urllib.request.urlopen(request, timeout=10) as response:
            span.set_attribute("http.status_code", response.status)
            print(response.read().decode(), end="")


if __name__ == "__main__":
    main()
