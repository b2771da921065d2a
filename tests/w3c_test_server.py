"""The test service the W3C Trace Context test suite drives.

The suite (github.com/w3c/trace-context, folder ``test/``) POSTs a JSON list
of ``{"url": ..., "arguments": [...]}`` to this service with trace context
headers, and expects the service to POST each ``arguments`` list to its
``url``, propagating the context it received. Here that happens as a
participating vendor would do it: the incoming headers are extracted with
:class:`TraceContextHTTPTextFormat`, a server span continues the trace, and
each outgoing call gets its own client span whose context is injected.

Run it with ``python tests/w3c_test_server.py --port 5000`` and point the
suite at ``http://127.0.0.1:5000/test`` (see the README).
"""

import argparse
import json
import logging
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry import trace
from opentelemetry.context.propagation.tracecontexthttptextformat import (
    TraceContextHTTPTextFormat,
)
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.trace import sampling

logger = logging.getLogger("w3c_test_server")

FORMAT = TraceContextHTTPTextFormat()
# Parent-based: the caller's sampled flag decides, as the W3C suite expects.
TRACER = TracerSource(sampling.DEFAULT_ON, shutdown_on_exit=False).get_tracer(__name__)
CALL_TIMEOUT_SECONDS = 5
MAX_BODY_BYTES = 1 << 20


def get_header(headers, name):
    return headers.get_all(name)


def set_header(request, name, value):
    request.add_header(name, value)


def call(url, arguments):
    """POST ``arguments`` to ``url`` inside a client span whose context goes with it."""
    with TRACER.start_as_current_span("POST " + url, kind=trace.SpanKind.CLIENT) as span:
        request = urllib.request.Request(
            url,
            data=json.dumps(arguments).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        FORMAT.inject(span, set_header, request)
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_SECONDS) as response:
                response.read()
        except (urllib.error.URLError, OSError) as error:
            logger.warning("Callback to %s failed: %s", url, error)


class TestServiceHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if not 0 <= length <= MAX_BODY_BYTES:
            self.send_error(413)
            return
        try:
            body = self.rfile.read(length)
            instructions = json.loads(body) if body.strip() else []
            calls = [(item["url"], item.get("arguments", [])) for item in instructions]
        except (ValueError, TypeError, KeyError):
            self.send_error(400, "expected a JSON list of {url, arguments}")
            return
        caller = FORMAT.extract(get_header, self.headers)
        with TRACER.start_as_current_span("POST " + self.path, parent=caller, kind=trace.SpanKind.SERVER):
            for url, arguments in calls:
                call(url, arguments)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        logger.info(format, *args)


def main():
    parser = argparse.ArgumentParser(description="Test service for the W3C Trace Context test suite")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000, help="0 picks a free port")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with ThreadingHTTPServer((args.host, args.port), TestServiceHandler) as server:
        host, port = server.server_address[:2]
        print("listening on http://{}:{}/test".format(host, port), flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
