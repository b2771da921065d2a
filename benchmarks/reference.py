"""Each scenario on the reference's side (opentelemetry-api/-sdk 1.45 from PyPI).

The same work as ``ours.py``, with the reference's names: TracerProvider,
SimpleSpanProcessor, BatchSpanProcessor, TraceContextTextMapPropagator, and
for scenario k the encoder of ``opentelemetry-exporter-otlp-proto-common``
(it has no JSON encoder, so k-json runs on our side only).
"""

from workload import (
    ATTRIBUTES,
    CHILD_SPAN_ID,
    INCOMING_TRACE_STATE,
    INCOMING_TRACESTATE,
    OUTGOING_TRACEPARENT,
    BATCH_SETTINGS,
    OTLP_RESOURCE_LABELS,
    OTLP_SCOPE,
    SPAN_ID,
    TRACE_ID,
    TRACE_STATE,
    TRACEPARENT,
    TRACESTATE,
    METRIC_LABELS,
    check_encoded_batch,
    record_typical_batch,
)

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

_SUCCESS = SpanExportResult.SUCCESS


class NullExporter(SpanExporter):
    """An exporter that does nothing."""

    def export(self, spans):
        return _SUCCESS

    def shutdown(self):
        pass


class CountingExporter(SpanExporter):
    """Counts the spans it is given; the batch processor calls it from one thread."""

    def __init__(self):
        self.exported = 0

    def export(self, spans):
        self.exported += len(spans)
        return _SUCCESS

    def shutdown(self):
        pass


def _sdk_tracer(processor=None):
    provider = TracerProvider(shutdown_on_exit=False)
    if processor is not None:
        provider.add_span_processor(processor)
    return provider.get_tracer("benchmark")


def _check_recorded(span):
    assert span.end_time is not None
    assert not trace.get_current_span().get_span_context().is_valid


def _timed_span_scenario(tracer):
    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def check():
        with tracer.start_as_current_span("s") as span:
            assert span.is_recording() and trace.get_current_span() is span
        _check_recorded(span)

    return run, check


def setup_a():
    tracer = trace.get_tracer("benchmark")

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def check():
        assert type(trace.get_tracer_provider()) is trace.ProxyTracerProvider
        with tracer.start_as_current_span("s") as span:
            assert not span.is_recording()

    return run, check


def setup_b():
    return _timed_span_scenario(_sdk_tracer())


def setup_c():
    return _timed_span_scenario(_sdk_tracer(SimpleSpanProcessor(NullExporter())))


def setup_d():
    tracer = _sdk_tracer(SimpleSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("outer"):
                with tracer.start_as_current_span("middle"):
                    with tracer.start_as_current_span("inner"):
                        pass

    def check():
        with tracer.start_as_current_span("outer") as outer:
            with tracer.start_as_current_span("middle") as middle:
                with tracer.start_as_current_span("inner") as inner:
                    assert trace.get_current_span() is inner
        assert inner.parent.span_id == middle.context.span_id
        assert middle.parent.span_id == outer.context.span_id
        assert inner.context.trace_id == outer.context.trace_id
        _check_recorded(outer)

    return run, check


def setup_e(attributes=ATTRIBUTES):
    tracer = _sdk_tracer(SimpleSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s", attributes=attributes):
                pass

    def check():
        with tracer.start_as_current_span("s", attributes=attributes) as span:
            pass
        assert dict(span.attributes) == attributes
        _check_recorded(span)

    return run, check


def setup_f():
    tracer = _sdk_tracer(SimpleSpanProcessor(NullExporter()))

    def run(iterations):
        for _ in range(iterations):
            tracer.start_span("s").end()

    def check():
        span = tracer.start_span("s")
        assert not trace.get_current_span().get_span_context().is_valid
        span.end()
        _check_recorded(span)

    return run, check


def setup_g():
    propagator = TraceContextTextMapPropagator()
    span_context = trace.SpanContext(
        TRACE_ID,
        SPAN_ID,
        is_remote=False,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
        trace_state=trace.TraceState(list(TRACE_STATE)),
    )
    context = trace.set_span_in_context(trace.NonRecordingSpan(span_context))
    inject = propagator.inject
    extract = propagator.extract

    def run(iterations):
        for _ in range(iterations):
            carrier = {}
            inject(carrier, context)
            extract(carrier)

    def check():
        carrier = {}
        inject(carrier, context)
        assert carrier == {"traceparent": TRACEPARENT, "tracestate": TRACESTATE}, carrier
        extracted = trace.get_current_span(extract(carrier)).get_span_context()
        assert (extracted.trace_id, extracted.span_id) == (TRACE_ID, SPAN_ID)
        assert tuple(extracted.trace_state.items()) == TRACE_STATE

    return run, check


def setup_g_tracestate():
    """One hop: extract a traceparent and a two-member tracestate, inject the child's context."""
    propagator = TraceContextTextMapPropagator()
    incoming = {"traceparent": TRACEPARENT, "tracestate": INCOMING_TRACESTATE}
    inject = propagator.inject
    extract = propagator.extract

    def hop():
        parent = trace.get_current_span(extract(incoming)).get_span_context()
        child = trace.NonRecordingSpan(
            trace.SpanContext(
                parent.trace_id,
                CHILD_SPAN_ID,
                is_remote=False,
                trace_flags=parent.trace_flags,
                trace_state=parent.trace_state,
            )
        )
        outgoing = {}
        inject(outgoing, trace.set_span_in_context(child))
        return parent, outgoing

    def run(iterations):
        for _ in range(iterations):
            hop()

    def check():
        parent, outgoing = hop()
        assert tuple(parent.trace_state.items()) == INCOMING_TRACE_STATE
        assert outgoing == {
            "traceparent": OUTGOING_TRACEPARENT,
            "tracestate": INCOMING_TRACESTATE,
        }, outgoing

    return run, check


def setup_h():
    """``produce(iterations)`` for each producer thread; ``finish()`` shuts down and counts."""
    exporter = CountingExporter()
    processor = BatchSpanProcessor(exporter, **BATCH_SETTINGS)
    tracer = _sdk_tracer(processor)

    def produce(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s"):
                pass

    def finish():
        processor.shutdown()
        # The reference reports drops only through its metrics, off by default.
        return {"exported": exporter.exported, "dropped_reported": None}

    return produce, finish


def setup_i(attributes):
    """``run(iterations)`` and the in-memory exporter that retains the spans."""
    exporter = InMemorySpanExporter()
    tracer = _sdk_tracer(SimpleSpanProcessor(exporter))

    def run(iterations):
        for _ in range(iterations):
            with tracer.start_as_current_span("s", attributes=attributes):
                pass

    return run, exporter


def setup_k_protobuf():
    """``run(iterations)`` encodes a batch of ``OTLP_BATCH_SIZE`` spans as OTLP protobuf."""
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource(OTLP_RESOURCE_LABELS), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    record_typical_batch(provider.get_tracer(*OTLP_SCOPE), trace.SpanKind.SERVER)
    spans = exporter.get_finished_spans()

    def run(iterations):
        for _ in range(iterations):
            encode_spans(spans).SerializeToString()

    def check():
        body = encode_spans(spans).SerializeToString()
        check_encoded_batch(body, [span.context.span_id.to_bytes(8, "big") for span in spans])

    return run, check


def _sdk_counter():
    """A reference SDK counter with a reader, and ``total()``: the sum the reader collects."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader

    reader = InMemoryMetricReader()
    provider = MeterProvider(metric_readers=[reader], shutdown_on_exit=False)
    counter = provider.get_meter("benchmark").create_counter(
        "requests", unit="1", description="served"
    )

    def total():
        data = reader.get_metrics_data()
        if data is None:  # nothing measured yet
            return 0
        return sum(
            point.value
            for resource_metrics in data.resource_metrics
            for scope_metrics in resource_metrics.scope_metrics
            for metric in scope_metrics.metrics
            for point in metric.data.data_points
        )

    return counter, total


def _counter_add_scenario():
    """``Counter.add(1, attributes)``: the reference has no bound handles."""
    counter, total = _sdk_counter()
    attributes = dict(METRIC_LABELS)

    def run(iterations):
        add = counter.add
        for _ in range(iterations):
            add(1, attributes)

    def check():
        before = total()
        counter.add(1, attributes)
        assert total() == before + 1

    return run, check


def setup_l_handle():
    return _counter_add_scenario()


def setup_l_counter():
    return _counter_add_scenario()


def setup_l_noop():
    """What the no-op add is compared with: the SDK's ``Counter.add(1, attributes)``."""
    return _counter_add_scenario()


def setup_l_noop_api():
    """``Counter.add(1, attributes)`` on the API's meter with no SDK configured."""
    from opentelemetry import metrics

    counter = metrics.get_meter("benchmark").create_counter("requests")
    attributes = dict(METRIC_LABELS)

    def run(iterations):
        add = counter.add
        for _ in range(iterations):
            add(1, attributes)

    def check():
        assert counter.add(1, attributes) is None

    return run, check
