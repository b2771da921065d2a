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

#: Scenario h: the batch processor's settings, the same on both sides.
BATCH_SETTINGS = {
    "max_queue_size": 2048,
    "schedule_delay_millis": 5000,
    "max_export_batch_size": 512,
}


class NotBuiltYet(Exception):
    """A scenario's feature does not exist yet on our side."""
