"""The span model in one program.

Attributes, events, links, status, limits, sampling and resources.

Run it with ``python examples/span_model.py``; every line it prints is the
same on every run (ids and times are left out).
"""

import logging
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanLimits, TracerSource
from opentelemetry.sdk.trace.export import SimpleExportSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from opentelemetry.trace import sampling
from opentelemetry.trace.status import Status, StatusCanonicalCode

# Dropped and ignored input is reported through logging; show it inline.
logging.basicConfig(stream=sys.stdout, format="log: %(message)s")

SAMPLED = trace.TraceOptions(trace.TraceOptions.SAMPLED)
NOT_SAMPLED = trace.TraceOptions.get_default()

exporter = InMemorySpanExporter()
source = TracerSource(
    # sample new traces, follow the parent otherwise
    sampler=sampling.DEFAULT_ON,
    resource=Resource({"service.name": "shop"}),
    span_limits=SpanLimits(max_attributes=4),
    shutdown_on_exit=False,
)
source.add_span_processor(SimpleExportSpanProcessor(exporter))
tracer = source.get_tracer("shop.checkout", "1.0.0")

# A request whose caller sampled its trace (as a propagator would extract it).
caller = trace.SpanContext(
    0x5B8EFFF798038103D269B633813FC60C, 0xEEE19B7EC3C1B174, SAMPLED
)
batch = trace.SpanContext(
    0x0AF7651916CD43DD8448EB211C80319C, 0xB7AD6B7169203331, SAMPLED
)

with tracer.start_as_current_span(
    "POST",
    parent=caller,
    kind=trace.SpanKind.SERVER,
    attributes={"http.method": "POST"},
) as request:
    request.update_name("POST /checkout")
    items = ["book", "pen"]
    request.set_attribute("cart.items", items)
    items.append("lamp")  # the span keeps its own copy
    request.set_attribute("cart.total", 23.5)
    request.set_attribute("cart.owner", None)  # not a valid value: dropped
    request.add_event("payment accepted", {"provider": "acme"})
    with tracer.start_as_current_span(
        "reserve stock", links=[trace.Link(batch, {"reason": "nightly batch"})]
    ) as reserve:
        reserve.set_status(
            Status(StatusCanonicalCode.RESOURCE_EXHAUSTED, "pen out of stock")
        )
    request.set_attribute("retry.count", 1)
    # a fifth attribute: the oldest goes
    request.set_attribute("retry.delay_ms", 250)
request.set_attribute("late", True)  # after end(): ignored

for span in exporter.get_finished_spans():
    print(
        "{} kind={} status={} service={} library={}".format(
            span.name,
            span.kind.name,
            span.status.canonical_code.name,
            span.resource.labels["service.name"],
            span.instrumentation_info.name,
        )
    )
    print("  same trace as caller:", span.context.trace_id == caller.trace_id)
    attributes = dict(span.attributes)
    print("  attributes:", attributes, "dropped:", span.dropped_attributes)
    print("  events:", [(e.name, dict(e.attributes)) for e in span.events])
    print("  links:", [dict(link.attributes) for link in span.links])

# A caller that did not sample: the span records nothing and is never exported,
# but its context still carries the trace onwards.
health = tracer.start_span(
    "GET /health", parent=trace.SpanContext(caller.trace_id, 1, NOT_SAMPLED)
)
health.set_attribute("ignored", "nothing is recorded")
health.end()
print(
    "unsampled:",
    type(health).__name__,
    "valid context:",
    health.get_context().is_valid(),
    "sampled:",
    health.get_context().trace_options.sampled,
    "exported spans:",
    len(exporter.get_finished_spans()),
)

# ProbabilitySampler: a root span is sampled when the low 64 bits of its
# trace id are below round(rate * 2**64), so every service agrees.
quarter = sampling.ProbabilitySampler(0.25)
print("bound for 0.25:", hex(quarter.bound))
for trace_id in (
    0xFFFF_0000_0000_0000_3FFF_FFFF_FFFF_FFFF,
    0x4000_0000_0000_0000,
):
    decision = quarter.should_sample(None, trace_id, 1, "root")
    print("  trace {:#034x} sampled: {}".format(trace_id, decision.sampled))
