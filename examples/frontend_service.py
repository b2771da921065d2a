"""The front end of the two-service example: answers ``/order`` by asking the inventory service.

A plain WSGI application, so that it runs with the standard library alone;
``docs/web-application.rst`` shows the same with Flask. See
``inventory_service.py`` for how to run the pair. The stock of each item
asked for (``/order?item=apples&item=pears``) is fetched in parallel, from a
thread pool.
"""

import argparse
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, quote

from opentelemetry.context import Context
from opentelemetry.sdk.trace import configure_tracing
from serve_wsgi import serve
from urllib_tracing import traced_urlopen
from wsgi_tracing import TracingMiddleware

INVENTORY = "http://127.0.0.1:8001"
pool = ThreadPoolExecutor(max_workers=4)


def stock_of(item):
    with traced_urlopen(INVENTORY + "/stock?item=" + quote(item)) as response:
        return "{} {} in stock\n".format(int(response.read()), item)


def application(environ, start_response):
    items = parse_qs(environ.get("QUERY_STRING", "")).get("item", [])
    # The pool's threads start with an empty context: carry the request's
    # span to them.
    body = "".join(
        pool.map(Context.with_current_context(stock_of), items)
    ).encode()
    start_response(
        "200 OK",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))],
    )
    return [body]


def main():
    global INVENTORY
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--inventory", default=INVENTORY, help="the inventory service's URL")
    args = parser.parse_args()
    INVENTORY = args.inventory.rstrip("/")
    configure_tracing("frontend", flush_on_sigterm=True)
    serve(TracingMiddleware(application), args.port)


if __name__ == "__main__":
    main()
