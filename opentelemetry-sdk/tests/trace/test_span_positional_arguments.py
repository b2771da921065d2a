"""``Span(...)`` takes v0.3's positional arguments in v0.3's order.

v0.3 code builds spans positionally (the SDK's own tracer did); a parameter
added, removed or moved would silently put values in the wrong place.
"""

import inspect

from opentelemetry import trace as trace_api
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor
from opentelemetry.sdk.trace.instrumentation import InstrumentationInfo
from opentelemetry.trace import sampling

V03_ORDER = [
    "name",
    "context",
    "parent",
    "sampler",
    "trace_config",
    "resource",
    "attributes",
    "events",
    "links",
    "kind",
    "span_processor",
    "instrumentation_info",
    "set_status_on_exception",
]


def test_the_first_parameters_are_v03s_in_its_order():
    parameters = list(inspect.signature(Span).parameters)
    assert parameters[: len(V03_ORDER)] == V03_ORDER
    for added in parameters[len(V03_ORDER):]:  # only with defaults, after v0.3's
        assert inspect.signature(Span).parameters[added].default is not inspect.Parameter.empty


class _Recorder(SpanProcessor):
    def __init__(self):
        self.started = []

    def on_start(self, span):
        self.started.append(span)


def test_every_positional_argument_lands_where_v03_put_it():
    context = trace_api.SpanContext(0xA, 0xB)
    parent = trace_api.SpanContext(0xA, 0xC)
    sampler = sampling.ALWAYS_ON
    resource = Resource({"service.name": "positional"})
    event = trace_api.Event("e", {"k": "v"}, 5)
    link = trace_api.Link(trace_api.SpanContext(0xD, 0xE))
    processor = _Recorder()
    info = InstrumentationInfo("lib", "1.0")

    span = Span(
        "op",
        context,
        parent,
        sampler,
        None,
        resource,
        {"a": 1},
        [event],
        [link],
        trace_api.SpanKind.CLIENT,
        processor,
        info,
        False,
    )
    span.start()

    assert span.name == "op"
    assert span.context is context
    assert span.parent is parent
    assert span.sampler is sampler
    assert span.trace_config is None
    assert span.resource is resource
    assert dict(span.attributes) == {"a": 1}
    assert [e.name for e in span.events] == ["e"]
    assert [link.context.trace_id for link in span.links] == [0xD]
    assert span.kind is trace_api.SpanKind.CLIENT
    assert processor.started == [span]
    assert span.instrumentation_info is info
    try:
        with span:
            raise ValueError("kept out of the status")
    except ValueError:
        pass
    assert span.status.canonical_code is trace_api.status.StatusCanonicalCode.OK
