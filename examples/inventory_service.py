"""The inventory service of the two-service example: a WSGI application with a sqlite3 query.

Run it, then the front end (``frontend_service.py``), then ask the front end::

    python examples/inventory_service.py --port 8001 &
    python examples/frontend_service.py --port 8000 --inventory http://127.0.0.1:8001 &
    curl 'http://127.0.0.1:8000/order?item=apples'

``docs/web-application.rst`` walks through it; its tracing is the first
two lines of ``main``, the middleware, and the span around the query.
"""

import argparse
import sqlite3
from urllib.parse import parse_qs

from opentelemetry import trace
from opentelemetry.sdk.trace import configure_tracing
from serve_wsgi import serve
from wsgi_tracing import TracingMiddleware

tracer = trace.get_tracer(__name__)

# One connection shared by the server's threads: a small in-memory example database.
database = sqlite3.connect(":memory:", check_same_thread=False)
database.execute("CREATE TABLE stock (item TEXT PRIMARY KEY, count INTEGER)")
database.executemany("INSERT INTO stock VALUES (?, ?)", [("apples", 12), ("pears", 0)])

STOCK_QUERY = "SELECT count FROM stock WHERE item = ?"


def count_in_stock(item):
    with tracer.start_as_current_span(
        "SELECT stock",
        kind=trace.SpanKind.CLIENT,
        attributes={"db.system": "sqlite", "db.statement": STOCK_QUERY},
    ):
        row = database.execute(STOCK_QUERY, (item,)).fetchone()
    return 0 if row is None else row[0]


def application(environ, start_response):
    item = parse_qs(environ.get("QUERY_STRING", "")).get("item", [""])[0]
    body = str(count_in_stock(item)).encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=8001, help="0 picks a free port"
    )
    args = parser.parse_args()
    configure_tracing("inventory", flush_on_sigterm=True)
    serve(TracingMiddleware(application), args.port)


if __name__ == "__main__":
    main()
