"""The inputs every side of every scenario shares. Standard library only."""

#: Ten attributes of the four scalar types, as an HTTP instrumentation sets them.
ATTRIBUTES = {
    "http.method": "GET",
    "http.url": "https://example.com/orders/42",
    "http.route": "/orders/{id}",
    "http.status_code": 200,
    "net.peer.name": "example.com",
    "net.peer.port": 443,
    "http.response_content_length": 1024,
    "sampling.ratio": 0.25,
    "cache.hit": True,
    "retry": False,
}

#: The span context that scenario g injects and extracts (W3C examples).
TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
SPAN_ID = 0x00F067AA0BA902B7
TRACE_STATE = (("congo", "t61rcWkgMzE"), ("rojo", "00f067aa0ba902b7"))
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"

#: Scenario g-tracestate: a request as a service receives it from an upstream
#: service whose tracer adds a vendor entry (Datadog-style, with ``:`` and ``;``
#: inside the value) after another vendor's, and the child span id it sends on.
INCOMING_TRACESTATE = "dd=s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4,congo=t61rcWkgMzE"
INCOMING_TRACE_STATE = (("dd", "s:1;o:rum;p:00f067aa0ba902b7;t.dm:-4"), ("congo", "t61rcWkgMzE"))
CHILD_SPAN_ID = 0x53995C3F42CD8AD8
OUTGOING_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-53995c3f42cd8ad8-01"

#: Scenario h: the batch processor's settings, the same on both sides.
BATCH_SETTINGS = {
    "max_queue_size": 2048,
    "schedule_delay_millis": 5000,
    "max_export_batch_size": 512,
}


class NotBuiltYet(Exception):
    """A scenario's feature does not exist yet on our side."""

#: Scenario k: one batch as the batch processor hands it to the exporter.
OTLP_BATCH_SIZE = 512
OTLP_RESOURCE_LABELS = {"service.name": "shop", "host.name": "web-1"}
OTLP_SCOPE = ("shop.web", "1.0")


def record_typical_batch(tracer, server_kind):
    """End ``OTLP_BATCH_SIZE`` typical spans: a root, and server spans under it.

    Each server span has five attributes and one event with an attribute.
    Both APIs name these calls alike, so both sides record the same spans.
    """
    with tracer.start_as_current_span("batch"):
        for number in range(OTLP_BATCH_SIZE - 1):
            attributes = {
                "http.method": "GET",
                "http.url": "http://shop.example/items/{}".format(number),
                "http.route": "/items/{id}",
                "http.status_code": 200,
                "net.peer.port": 51234,
            }
            with tracer.start_as_current_span(
                "GET /items/{id}", kind=server_kind, attributes=attributes
            ) as span:
                span.add_event("cache.miss", {"cache.key": "item:{}".format(number)})


def check_encoded_batch(body, span_ids):
    """Assert that an encoded batch holds every span, by its id (bytes, or hex for JSON)."""
    assert len(span_ids) == OTLP_BATCH_SIZE, len(span_ids)
    missing = [span_id for span_id in span_ids if span_id not in body]
    assert not missing, "{} spans missing from the request".format(len(missing))

#: Scenario l: the labels of every counter update (one label, as an HTTP
#: server's request counter has), the same on both sides.
METRIC_LABELS = {"http.route": "/orders/{id}"}
