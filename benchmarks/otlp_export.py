"""Export cost per span of the OTLP exporter: µs per span for a batch of 512.

Measures the CPU the exporter spends turning a batch into a request body
(protobuf and JSON, with and without gzip), which is what an export costs the
process; the network round trip depends on the collector. Each span is a
typical server span: a parent, five attributes and one event with an
attribute, on a resource with two labels.

Run: ``python benchmarks/otlp_export.py``, or with timeit::

    python -m timeit -s "import sys; sys.path.insert(0, 'benchmarks')" \
        -s "from otlp_export import SPANS, encode_protobuf" "encode_protobuf(SPANS)"
"""

import gzip
import timeit

from opentelemetry import trace as trace_api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.export.otlp._json_encoding import encode_request as encode_json
from opentelemetry.sdk.trace.export.otlp._protobuf_encoding import (
    encode_request as encode_protobuf,
)

__all__ = ["BATCH_SIZE", "SPANS", "encode_json", "encode_protobuf"]

BATCH_SIZE = 512


def _typical_spans():
    finished = InMemorySpanExporter()
    source = TracerSource(
        shutdown_on_exit=False, resource=Resource({"service.name": "shop", "host.name": "web-1"})
    )
    source.add_span_processor(SimpleExportSpanProcessor(finished))
    tracer = source.get_tracer("shop.web", "1.0")
    with tracer.start_as_current_span("batch"):
        for number in range(BATCH_SIZE - 1):
            attributes = {
                "http.method": "GET",
                "http.url": "http://shop.example/items/{}".format(number),
                "http.route": "/items/{id}",
                "http.status_code": 200,
                "net.peer.port": 51234,
            }
            with tracer.start_as_current_span(
                "GET /items/{id}", kind=trace_api.SpanKind.SERVER, attributes=attributes
            ) as span:
                span.add_event("cache.miss", {"cache.key": "item:{}".format(number)})
    spans = finished.get_finished_spans()
    assert len(spans) == BATCH_SIZE
    return spans


SPANS = _typical_spans()


def _microseconds_per_span(function) -> float:
    timer = timeit.Timer(lambda: function(SPANS))
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=5, number=number)) / number
    return best / BATCH_SIZE * 1e6


def main() -> None:
    cases = [
        ("protobuf", encode_protobuf),
        ("json", encode_json),
        ("protobuf+gzip", lambda spans: gzip.compress(encode_protobuf(spans), 6)),
        ("json+gzip", lambda spans: gzip.compress(encode_json(spans), 6)),
    ]
    for name, function in cases:
        size = len(function(SPANS))
        print(
            "{:<14} {:6.2f} µs/span  ({} bytes per batch of {})".format(
                name, _microseconds_per_span(function), size, BATCH_SIZE
            )
        )


if __name__ == "__main__":
    main()
