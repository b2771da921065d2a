"""An HTTP server whose spans continue the trace of the client that called it.

Standard library only. Start it, then run the client against it from another
terminal::

    python examples/http_server.py                      # listening on http://127.0.0.1:8000/
    python examples/http_client.py http://127.0.0.1:8000/

Each process prints its spans as they end. The server's span has the
client's trace id, and its parent is the client's span: one trace across two
processes, carried by the W3C ``traceparent`` header. With
``OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318`` set for both, the spans
also reach the OpenTelemetry Collector there (see ``example_tracing.py``).
"""

import argparse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import propagators, trace
from example_tracing import configure_tracing

tracer = configure_tracing("example-http-server")


def get_header(headers, name):
    """Every value of header ``name``; the lookup ignores case, as HTTP does."""
    return headers.get_all(name)


class TracedHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        caller = propagators.extract(get_header, self.headers)
        with tracer.start_as_current_span(
            "GET " + self.path, parent=caller, kind=trace.SpanKind.SERVER
        ) as span:
            span.set_attribute("http.method", "GET")
            span.set_attribute("http.target", self.path)
            body = "served in trace {:032x}\n".format(span.get_context().trace_id).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            span.set_attribute("http.status_code", 200)

    def log_message(self, format, *args):
        """Quiet: standard output is for the spans."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    args = parser.parse_args()
    with ThreadingHTTPServer((args.host, args.port), TracedHandler) as server:
        host, port = server.server_address[:2]
        print("listening on http://{}:{}/".format(host, port), flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
